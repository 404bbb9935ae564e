package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.Echo;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JVM of the plain-gRPC reconnect-storm anchor: {@code count} plain grpc-java channels to
 * {@code host:port}, each kept connected by a {@link KeptChannel}, the mirror image of {@link
 * AgentFleet}'s agents. As the agents do, the channels share one group of two Netty event
 * loops (epoll when available), grpc's default executor or with {@code --tuned} {@code
 * directExecutor()}, and one timer thread for their redials. The channels never go idle on
 * their own ({@code idleTimeout} of 30 days): only a lost connection makes them redial.
 *
 * <p>Channels start in batches that each wait until every channel echoed once; then the JVM
 * prints {@link AgentFleet#READY}. It reads commands, one a line, until its standard input
 * closes (or it is killed), then shuts every channel down and exits:
 *
 * <ul>
 *   <li>{@code arm}: starts a round and prints {@link #ARMED}; once every channel has lost its
 *       connection and got it back it prints {@link #RECONNECTED}, and once each has echoed
 *       after that, {@link #CALLABLE};
 *   <li>{@code stats}: prints {@link AgentFleet#STATS}, then the redials made so far, the
 *       connections lost and the TCP connections attempted.
 * </ul>
 *
 * <p>An echo that fails for good prints why and exits with 1, as does a batch that does not
 * connect within a minute.
 *
 * <pre>java -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.fleet.ChannelFleet host port count
 *     [--tuned] [--loops N] [--backoff-ms INITIAL,MAX]</pre>
 */
public final class ChannelFleet implements AutoCloseable, KeptChannel.Events {
  static final String ARMED = AgentProcesses.REPLY + "ARMED";
  static final String RECONNECTED = AgentProcesses.REPLY + "RECONNECTED";
  static final String CALLABLE = AgentProcesses.REPLY + "CALLABLE";

  private static final int BATCH = 250;
  private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final EventLoopGroup group;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("channel-fleet-timer", true));
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<KeptChannel> kept = new ArrayList<>();
  private final LongAdder dials = new LongAdder();
  private final LongAdder losses = new LongAdder();
  private final LongAdder connects = new LongAdder();
  /** Channels reconnected and callable in this round; guarded by this. */
  private int reconnected;
  private int callable;
  /** Whether a round was armed: the launch's own connections are not reported. */
  private boolean armed;
  private boolean closed;

  private ChannelFleet(int loops) {
    group = FleetJvm.group(loops, "channel-fleet-loop");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ChannelFleet host port count [--tuned] [--loops N] [--backoff-ms INITIAL,MAX]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    boolean tuned = false;
    int loops = 2;
    long initialMs = 100;
    long maxMs = 2000;
    for (int i = 3; i < args.length; i++) {
      switch (args[i]) {
        case "--tuned" -> tuned = true;
        case "--loops" -> loops = Integer.parseInt(args[++i]);
        case "--backoff-ms" -> {
          String[] ms = args[++i].split(",");
          initialMs = Long.parseLong(ms[0]);
          maxMs = Long.parseLong(ms[1]);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ChannelFleet fleet = new ChannelFleet(loops);
    Thread hook = new Thread(fleet::close, "channel-fleet-close");
    Runtime.getRuntime().addShutdownHook(hook); // killed (SIGTERM): close anyway
    try {
      fleet.start(host, port, count, tuned, TimeUnit.MILLISECONDS.toNanos(initialMs), TimeUnit.MILLISECONDS.toNanos(maxMs));
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    System.out.println(AgentFleet.READY + " " + count);
    System.out.flush();
    fleet.serve(System.in);
    fleet.close();
    Runtime.getRuntime().removeShutdownHook(hook);
  }

  private void start(String host, int port, int count, boolean tuned, long initialNanos, long maxNanos)
      throws InterruptedException {
    EchoRequest request = Echo.request(100);
    ChannelFactory<io.grpc.netty.shaded.io.netty.channel.Channel> sockets = FleetJvm.countingSockets(group, connects);
    for (int start = 0; start < count; start += BATCH) {
      int end = Math.min(count, start + BATCH);
      for (int i = start; i < end; i++) {
        NettyChannelBuilder builder =
            NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .eventLoopGroup(group)
                .channelFactory(sockets)
                .idleTimeout(30, TimeUnit.DAYS);
        if (tuned) {
          builder.directExecutor();
        }
        ManagedChannel channel = builder.build();
        KeptChannel one = new KeptChannel(channel, request, timer, initialNanos, maxNanos, this);
        synchronized (this) {
          channels.add(channel);
          kept.add(one);
        }
        one.start();
      }
      awaitCallable(end);
    }
  }

  /** Waits until {@code count} channels echoed in this round. */
  private synchronized void awaitCallable(int count) throws InterruptedException {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
    while (callable < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException((count - callable) + " channels did not echo within 60 s");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Reads commands until end of stream (the parent closed our standard input, or died). */
  private void serve(InputStream in) {
    FleetJvm.readCommands(in, line -> {
      if (line.equals("arm")) {
        arm();
      } else if (line.equals("stats")) {
        print(AgentFleet.STATS + " " + dials.sum() + " " + losses.sum() + " " + connects.sum());
      }
    });
  }

  private synchronized void arm() {
    armed = true;
    reconnected = 0;
    callable = 0;
    for (KeptChannel one : kept) {
      one.arm();
    }
    print(ARMED);
  }

  @Override
  public void dialed() {
    dials.increment();
  }

  @Override
  public void lost() {
    losses.increment();
  }

  @Override
  public synchronized void reconnected() {
    if (++reconnected == kept.size() && armed) {
      print(RECONNECTED + " " + reconnected);
    }
  }

  @Override
  public synchronized void callable() {
    if (++callable == kept.size() && armed) {
      print(CALLABLE + " " + callable);
    }
    notifyAll();
  }

  @Override
  public void failed(String why) {
    System.err.println("channel fleet: " + why);
    System.exit(1);
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Stops the redials, shuts every channel down, then the event loops and the timer. Idempotent. */
  @Override
  public void close() {
    List<KeptChannel> keptNow;
    List<ManagedChannel> channelsNow;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      keptNow = new ArrayList<>(kept);
      channelsNow = new ArrayList<>(channels);
    }
    // Outside the lock: the channels' callbacks (on the event loops when tuned) take it.
    for (KeptChannel one : keptNow) {
      one.stop();
    }
    FleetJvm.endChannels(channelsNow, group);
    timer.shutdownNow();
  }
}
