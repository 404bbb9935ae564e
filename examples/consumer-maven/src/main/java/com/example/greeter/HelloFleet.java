package com.example.greeter;

import com.example.greeter.v1.GreetRequest;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A controller and an agent in one JVM on 127.0.0.1: the agent dials in, the controller greets. */
public final class HelloFleet {
  private HelloFleet() {}

  public static void main(String[] args) throws Exception {
    System.out.println(greetThrough("agent-1", args.length > 0 ? args[0] : "world"));
  }

  /**
   * Starts a controller on an ephemeral port and an agent named {@code agent} dialing it, has the
   * controller call the agent's {@link Greeter#greet}, and stops both.
   */
  public static String greetThrough(String agent, String name)
      throws IOException, InterruptedException, TimeoutException {
    // The controller: serves the stream transport that agents dial, and calls them via Clients.
    Clients clients = Clients.create();
    Server server =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
            .directExecutor()
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
    // The agent: registers its Greeter and dials the controller.
    ManagedChannel channel =
        StreamClient.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
            .usePlaintext()
            .build();
    HandlerRegistry registry =
        GreeterHandlers.register(new HandlerRegistry(), new FriendlyAgent(agent));
    StreamClient agentClient = StreamClient.newBuilder(channel, agent, registry).start();
    try {
      clients.awaitConnected(List.of(agent), Duration.ofSeconds(10));
      GreeterProxy greeters = GreeterProxy.of(clients);
      return greeters.greet(agent, GreetRequest.newBuilder().setName(name).build()).getGreeting();
    } finally {
      agentClient.close();
      clients.close();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
