package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.http.HttpPollTransport;
import dev.agentrpc.transport.http.PollServlet;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A controller serving every transport, as the README sets one up (Clients, StreamServer with
 * poll sessions on Netty, the poll servlet on Jetty 12, all at 127.0.0.1), and one agent,
 * agent-0, serving {@link EchoAgent} over one transport:
 *
 * <ul>
 *   <li>{@code stream}: {@code StreamClient} on a channel with {@code StreamClient.configure};
 *   <li>{@code long-poll}: {@code PollClient.longPoll} over gRPC;
 *   <li>{@code heartbeat}: {@code PollClient.heartbeat} over gRPC, at the given interval;
 *   <li>{@code http-long-poll}: {@code PollClient.longPoll} over {@code HttpPollTransport}.
 * </ul>
 *
 * <p>Tuned ({@link Config#TUNED}): direct executors on the gRPC server and channel, the
 * agent's handler on the thread that read its request, callers' futures completed there too.
 * Jetty and the JDK's HttpClient keep their own threads in both configurations.
 */
public final class TransportSide implements AutoCloseable {
  static final String AGENT = "agent-0";
  private static final String POLL_PATH = "/agentrpc/poll";

  private final Clients clients;
  private final EchoAgentProxy proxy;
  private final Server grpc;
  private final org.eclipse.jetty.server.Server http;
  private ManagedChannel channel;
  private AutoCloseable agent;

  private TransportSide(Config config) throws Exception {
    clients = config.direct() ? Clients.newBuilder().callbackExecutor(Runnable::run).build() : Clients.create();
    proxy = EchoAgentProxy.of(clients).withTimeout(Echo.TIMEOUT);
    PollSessions sessions = PollSessions.newBuilder(clients).build();
    NettyServerBuilder builder =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
    if (config.direct()) {
      builder.directExecutor();
    }
    grpc = builder.addService(StreamServer.newBuilder(clients).pollSessions(sessions).build()).build().start();
    http = new org.eclipse.jetty.server.Server();
    ServerConnector connector = new ServerConnector(http);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    http.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder poll = new ServletHolder(new PollServlet(sessions));
    poll.setAsyncSupported(true);
    context.addServlet(poll, POLL_PATH);
    http.setHandler(context);
    http.start();
  }

  /**
   * Starts the controller and agent-0 on {@code transport} (heartbeats every {@code interval}),
   * and checks that it echoes {@code request}.
   */
  public static TransportSide startChecked(Config config, String transport, Duration interval, EchoRequest request)
      throws Exception {
    TransportSide side = new TransportSide(config);
    try {
      side.agent = side.startAgent(config, transport, interval);
      side.clients.awaitConnected(List.of(AGENT), Duration.ofSeconds(30));
      Echo.check(request, side.call(request));
      return side;
    } catch (Exception | Error e) {
      side.close();
      throw e;
    }
  }

  private AutoCloseable startAgent(Config config, String transport, Duration interval) {
    switch (transport) {
      case "stream":
        StreamClient.Builder stream =
            StreamClient.newBuilder(channel(config, true), AGENT, ReverseSide.registry());
        if (config.direct()) {
          stream.executor(Runnable::run);
        }
        return stream.start();
      case "long-poll":
        return start(config, PollClient.longPoll(channel(config, false), AGENT, ReverseSide.registry()));
      case "heartbeat":
        return start(
            config, PollClient.heartbeat(channel(config, false), AGENT, ReverseSide.registry()).interval(interval));
      case "http-long-poll":
        URI uri = URI.create("http://127.0.0.1:" + ((ServerConnector) http.getConnectors()[0]).getLocalPort() + POLL_PATH);
        return start(config, PollClient.longPoll(HttpPollTransport.create(uri), AGENT, ReverseSide.registry()));
      default:
        throw new IllegalArgumentException(
            "transport is stream, long-poll, heartbeat or http-long-poll, was " + transport);
    }
  }

  private static PollClient start(Config config, PollClient.Builder agent) {
    if (config.direct()) {
      agent.executor(Runnable::run);
    }
    return agent.start();
  }

  private ManagedChannel channel(Config config, boolean keepalive) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getPort()).usePlaintext();
    if (keepalive) {
      StreamClient.configure(builder);
    }
    if (config.direct()) {
      builder.directExecutor();
    }
    channel = builder.build();
    return channel;
  }

  /** One blocking reverse call to agent-0 through the generated typed proxy. */
  public EchoResponse call(EchoRequest request) {
    return proxy.echo(AGENT, request);
  }

  /** One asynchronous reverse call to agent-0 through the generated typed proxy. */
  public CompletableFuture<EchoResponse> callAsync(EchoRequest request) {
    return proxy.async().echo(AGENT, request);
  }

  @Override
  public void close() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    clients.close();
    grpc.shutdownNow();
    if (channel != null) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    grpc.awaitTermination(5, TimeUnit.SECONDS);
    http.stop();
  }
}
