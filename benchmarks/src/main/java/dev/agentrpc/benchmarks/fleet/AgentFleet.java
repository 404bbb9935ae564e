package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.EchoAgent;
import dev.agentrpc.benchmarks.EchoAgentHandlers;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JVM of agents for the out-of-process benchmarks: {@code count} agents serving {@link
 * EchoAgent}, named {@code <prefix>-<first>}, {@code <prefix>-<first+1>}, ..., that dial the
 * controller at {@code host:port}.
 *
 * <p>Each agent has its own channel, so its own TCP connection and stream, as deployed. Only
 * to fit thousands of agents in one JVM, the channels share one Netty event loop group (epoll
 * when available) and all agents share one handler executor: a fixed pool, or with {@code
 * --tuned} the transport thread itself ({@code executor(Runnable::run)} and {@code
 * directExecutor()} on the channels, as in the in-process benchmarks' tuned configuration).
 *
 * <p>Agents start in batches that each wait until connected; then the JVM prints {@link
 * #READY} and the count on one line, and stays up (redialing whenever the controller goes
 * away) until its standard input closes or it is killed. Either way it closes every agent
 * and channel before it exits. Exits with 1 if a batch does not connect within a minute.
 *
 * <pre>java -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.fleet.AgentFleet host port count prefix
 *     [--first N] [--tuned] [--loops N] [--handler-threads N] [--backoff-ms INITIAL,MAX]</pre>
 */
public final class AgentFleet implements AutoCloseable {
  /** The first word of the line printed once every agent is connected. */
  public static final String READY = "FLEET-READY";
  /**
   * The first word of the line answering a {@code stats} line on standard input: then the
   * dials this JVM's agents made so far (entries into CONNECTING) and the streams that ended
   * (entries into WAITING_TO_RECONNECT), and the TCP connections their channels attempted.
   */
  public static final String STATS = "FLEET-STATS";

  private static final int BATCH = 250;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

  private final EventLoopGroup group;
  private final ExecutorService pool;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<StreamClient> agents = new ArrayList<>();
  private boolean closed;
  private final LongAdder dials = new LongAdder();
  private final LongAdder ends = new LongAdder();
  private final LongAdder connects = new LongAdder();

  private AgentFleet(int loops, int handlerThreads) {
    group = FleetJvm.group(loops, "fleet-loop");
    pool = handlerThreads > 0 ? Executors.newFixedThreadPool(handlerThreads, new DefaultThreadFactory("fleet-handler", true)) : null;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: AgentFleet host port count prefix [--first N] [--tuned] [--loops N]"
              + " [--handler-threads N] [--backoff-ms INITIAL,MAX]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    String prefix = args[3];
    int first = 0;
    boolean tuned = false;
    int loops = 2;
    int handlerThreads = 4;
    Duration initialBackoff = Duration.ofMillis(100);
    Duration maxBackoff = Duration.ofSeconds(2);
    for (int i = 4; i < args.length; i++) {
      switch (args[i]) {
        case "--first" -> first = Integer.parseInt(args[++i]);
        case "--tuned" -> tuned = true;
        case "--loops" -> loops = Integer.parseInt(args[++i]);
        case "--handler-threads" -> handlerThreads = Integer.parseInt(args[++i]);
        case "--backoff-ms" -> {
          String[] ms = args[++i].split(",");
          initialBackoff = Duration.ofMillis(Long.parseLong(ms[0]));
          maxBackoff = Duration.ofMillis(Long.parseLong(ms[1]));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AgentFleet fleet = new AgentFleet(loops, tuned ? 0 : handlerThreads);
    Thread hook = new Thread(fleet::close, "fleet-close");
    Runtime.getRuntime().addShutdownHook(hook); // killed (SIGTERM): close anyway
    try {
      fleet.start(host, port, count, prefix, first, tuned, initialBackoff, maxBackoff);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    System.out.println(READY + " " + count);
    System.out.flush();
    fleet.serveStats(System.in);
    fleet.close();
    Runtime.getRuntime().removeShutdownHook(hook);
  }

  private void start(
      String host,
      int port,
      int count,
      String prefix,
      int first,
      boolean tuned,
      Duration initialBackoff,
      Duration maxBackoff)
      throws InterruptedException {
    HandlerRegistry registry = EchoAgentHandlers.register(new HandlerRegistry(), new EchoAgent.Impl());
    Executor handlers = pool != null ? pool : Runnable::run;
    ChannelFactory<io.grpc.netty.shaded.io.netty.channel.Channel> sockets = FleetJvm.countingSockets(group, connects);
    for (int start = 0; start < count; start += BATCH) {
      int end = Math.min(count, start + BATCH);
      CountDownLatch connected = new CountDownLatch(end - start);
      for (int i = start; i < end; i++) {
        NettyChannelBuilder builder =
            Setup.channel(host, port).usePlaintext().eventLoopGroup(group).channelFactory(sockets);
        if (tuned) {
          builder.directExecutor();
        }
        ManagedChannel channel = builder.build();
        boolean[] counted = new boolean[1];
        StreamClient agent =
            StreamClient.newBuilder(channel, prefix + "-" + (first + i), registry)
                .executor(handlers)
                .backoff(initialBackoff, maxBackoff)
                .onStateChange(
                    state -> {
                      if (state == StreamClient.State.CONNECTING) {
                        dials.increment();
                      } else if (state == StreamClient.State.WAITING_TO_RECONNECT) {
                        ends.increment();
                      }
                      if (state == StreamClient.State.CONNECTED && !counted[0]) {
                        counted[0] = true;
                        connected.countDown();
                      }
                    })
                .start();
        synchronized (this) {
          channels.add(channel);
          agents.add(agent);
        }
      }
      if (!connected.await(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "agents " + prefix + "-" + (first + start) + ".." + (first + end - 1) + ": "
                + connected.getCount() + " did not connect within " + CONNECT_TIMEOUT);
      }
    }
  }

  /**
   * Reads lines until end of stream (the parent closed our standard input, or died), answering
   * each {@code stats} line with a {@link #STATS} line.
   */
  private void serveStats(InputStream in) {
    FleetJvm.readCommands(in, line -> {
      if (line.equals("stats")) {
        System.out.println(STATS + " " + dials.sum() + " " + ends.sum() + " " + connects.sum());
        System.out.flush();
      }
    });
  }

  /** Closes every agent, then their channels, the event loops and the handler pool. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (StreamClient agent : agents) {
      agent.close();
    }
    FleetJvm.endChannels(channels, group);
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
