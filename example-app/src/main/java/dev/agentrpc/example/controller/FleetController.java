package dev.agentrpc.example.controller;

import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.security.ControllerSecurity;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The controller: a gRPC server agents dial into, the {@link Clients} they join, and the
 * typed {@link AgentFunctionsProxy} that calls them.
 */
public final class FleetController implements AutoCloseable {
  private final Clients clients;
  private final Server server;
  private final AgentFunctionsProxy agents;
  private final ControllerSecurity security;

  private FleetController(
      Clients clients, Server server, AgentFunctionsProxy agents, ControllerSecurity security) {
    this.clients = clients;
    this.server = server;
    this.agents = agents;
    this.security = security;
  }

  /**
   * Starts a plaintext controller listening on {@code host:port} (port 0 picks a free one),
   * admitting agents under any name.
   *
   * @param callTimeout every call's timeout, or null for each method's {@code @Timeout}
   * @throws IOException if the port cannot be bound
   */
  public static FleetController start(String host, int port, Duration callTimeout) throws IOException {
    return start(host, port, callTimeout, ControllerSecurity.plaintext());
  }

  /**
   * Starts a controller listening on {@code host:port} (port 0 picks a free one), serving
   * agents as {@code security} says (plaintext, TLS or mTLS, and who may join as which name).
   * The controller closes {@code security} when it closes.
   *
   * @param callTimeout every call's timeout, or null for each method's {@code @Timeout}
   * @throws IOException if the port cannot be bound
   */
  public static FleetController start(String host, int port, Duration callTimeout, ControllerSecurity security)
      throws IOException {
    Clients clients = Clients.create();
    Server server =
        // Keepalive finds dead agents within 15 s; the Connect stream runs without a thread hop.
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress(host, port), security.credentials()))
            .addService(StreamServer.newBuilder(clients).joinPolicy(security.joinPolicy()).build())
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      clients.close();
      security.close();
      throw e;
    }
    AgentFunctionsProxy agents = AgentFunctionsProxy.of(clients);
    if (callTimeout != null) {
      agents = agents.withTimeout(callTimeout);
    }
    return new FleetController(clients, server, agents, security);
  }

  /** How agents are served, in a few words for the operator. */
  public String security() {
    return security.description();
  }

  /** The port agents dial. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The connected agents. */
  public Clients clients() {
    return clients;
  }

  /** Typed calls to one agent, or to all. */
  public AgentFunctionsProxy agents() {
    return agents;
  }

  /** The console's operations, calling through {@link #agents()}. */
  public List<Operation> operations() {
    return Operations.of(agents);
  }

  /**
   * Waits until every agent in {@code names} is connected.
   *
   * @return false if they were not all connected within {@code timeout}
   */
  public boolean awaitAgents(Collection<String> names, Duration timeout) throws InterruptedException {
    try {
      clients.awaitConnected(names, timeout);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** Fails pending calls, disconnects every agent and stops the server. */
  @Override
  public void close() {
    clients.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      security.close();
    }
  }
}
