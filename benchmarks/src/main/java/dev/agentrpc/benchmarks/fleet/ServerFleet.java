package dev.agentrpc.benchmarks.fleet;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One JVM of the plain-gRPC fan-out anchor: {@code count} plain grpc-java servers, each on its
 * own port of 127.0.0.1 with the unary and the bidi echo services, the mirror image of {@link AgentFleet}'s
 * agents. As the agents do, they share one group of two Netty event loops (accepting and
 * serving; epoll when available) and one executor: grpc's default shared executor, or with
 * {@code --tuned} {@code directExecutor()}.
 *
 * <p>Once every server listens it prints {@link #PORTS} and their ports on one line, then
 * {@link AgentFleet#READY}, and stays up until its standard input closes or it is killed;
 * either way it stops every server before it exits.
 *
 * <pre>java -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.fleet.ServerFleet count [--tuned] [--loops N]</pre>
 */
public final class ServerFleet implements AutoCloseable {
  /** The first word of the line listing the servers' ports. */
  static final String PORTS = AgentProcesses.REPLY + "PORTS";

  private final EventLoopGroup group;
  private final List<Server> servers = new ArrayList<>();
  private boolean closed;

  private ServerFleet(int loops) {
    group = FleetJvm.group(loops, "server-fleet-loop");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ServerFleet count [--tuned] [--loops N]");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    boolean tuned = false;
    int loops = 2;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--tuned" -> tuned = true;
        case "--loops" -> loops = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ServerFleet fleet = new ServerFleet(loops);
    Thread hook = new Thread(fleet::close, "server-fleet-close");
    Runtime.getRuntime().addShutdownHook(hook); // killed (SIGTERM): close anyway
    StringBuilder ports = new StringBuilder(PORTS);
    for (int i = 0; i < count; i++) {
      ports.append(' ').append(fleet.start(tuned));
    }
    System.out.println(ports);
    System.out.println(AgentFleet.READY + " " + count);
    System.out.flush();
    FleetJvm.readCommands(System.in, line -> {}); // nothing is asked of this JVM but to end
    fleet.close();
    Runtime.getRuntime().removeShutdownHook(hook);
  }

  /** Starts one server on a free port of 127.0.0.1 and returns the port. */
  private synchronized int start(boolean tuned) throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group)
            .channelType(FleetJvm.serverSockets(group))
            .addService(new PlainEcho())
            .addService(new PlainStreamEcho());
    if (tuned) {
      builder.directExecutor();
    }
    Server server = builder.build().start();
    servers.add(server);
    return server.getPort();
  }

  /** Stops every server, then the event loops. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Server server : servers) {
      server.shutdownNow();
    }
    FleetJvm.end(servers, Server::awaitTermination, group);
  }
}
