package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A controller (Clients + StreamServer on Netty, 127.0.0.1) and {@code n} agents in this JVM,
 * each agent with its own channel (so its own TCP connection and stream), serving {@link
 * EchoAgent}.
 */
public final class ReverseSide implements AutoCloseable {
  private final Clients clients;
  private final EchoAgentProxy proxy;
  private final Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<StreamClient> agents = new ArrayList<>();

  private ReverseSide(Config config) throws IOException {
    // Tuned: callers' futures complete on the event loop (the benchmark's stages never block).
    clients =
        config.direct() ? Clients.newBuilder().callbackExecutor(Runnable::run).build() : Clients.create();
    proxy = EchoAgentProxy.of(clients).withTimeout(Echo.TIMEOUT);
    // Both configurations start from the README's set-up (StreamServer.configure).
    NettyServerBuilder builder =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
    if (config.direct()) {
      builder.directExecutor();
    }
    server = builder.addService(StreamServer.newBuilder(clients).build()).build().start();
  }

  /** Starts the controller and {@code agentCount} agents named agent-0, agent-1, ... and waits until all joined. */
  public static ReverseSide start(Config config, int agentCount) throws Exception {
    ReverseSide side = new ReverseSide(config);
    try {
      HandlerRegistry registry = registry();
      for (int i = 0; i < agentCount; i++) {
        NettyChannelBuilder channel =
            StreamClient.configure(NettyChannelBuilder.forAddress("127.0.0.1", side.server.getPort()))
                .usePlaintext();
        if (config.direct()) {
          channel.directExecutor();
        }
        ManagedChannel built = channel.build();
        side.channels.add(built);
        StreamClient.Builder agent = StreamClient.newBuilder(built, name(i), registry);
        if (config.direct()) {
          agent.executor(Runnable::run);
        }
        side.agents.add(agent.start());
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < agentCount; i++) {
        names.add(name(i));
      }
      side.clients.awaitConnected(names, Duration.ofSeconds(60 + agentCount / 50));
      return side;
    } catch (Exception | Error e) {
      side.close();
      throw e;
    }
  }

  /** One agent, agent-0, that has echoed {@code request} once. */
  public static ReverseSide startChecked(Config config, EchoRequest request) throws Exception {
    ReverseSide side = start(config, 1);
    Echo.check(request, side.call(name(0), request));
    return side;
  }

  static HandlerRegistry registry() {
    return EchoAgentHandlers.register(new HandlerRegistry(), new EchoAgent.Impl());
  }

  public static String name(int i) {
    return "agent-" + i;
  }

  public Clients clients() {
    return clients;
  }

  /** One blocking reverse call through the generated typed proxy. */
  public EchoResponse call(String agent, EchoRequest request) {
    return proxy.echo(agent, request);
  }

  /** One asynchronous reverse call through the generated typed proxy. */
  public CompletableFuture<EchoResponse> callAsync(String agent, EchoRequest request) {
    return proxy.async().echo(agent, request);
  }

  /** One call to every connected agent through the generated typed proxy. */
  public List<Result<EchoResponse>> callAll(EchoRequest request) {
    return proxy.all().echo(request);
  }

  /**
   * One fan-out to every connected agent, each result handed to {@code eachResult} as it
   * arrives, then the whole list.
   */
  public List<Result<EchoResponse>> fanOut(EchoRequest request, Consumer<Result<EchoResponse>> eachResult) {
    return clients
        .fanOut(request, EchoResponse.parser(), FanOutOptions.all(), Echo.TIMEOUT, clients.callbackExecutor())
        .forEach(eachResult)
        .await();
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamClient agent : agents) {
      agent.close();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    clients.close();
    server.shutdownNow();
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
