package dev.agentrpc.spring;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The controller's gRPC server, serving the Connect stream agents dial: started when the context
 * has refreshed, stopped when it closes (first {@link Clients#close()}, which fails the pending
 * calls with {@code UNAVAILABLE} and ends every agent's stream, then the server). The bound port is
 * {@link #port()}, also published as the property {@value #LOCAL_PORT_PROPERTY}.
 */
public final class AgentRpcServer implements SmartLifecycle {
  /** The property holding the port the server bound, once it started. */
  public static final String LOCAL_PORT_PROPERTY = "local.agentrpc.server.port";

  /** Starts before, and stops after, an agent in the same context. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private static final Logger log = LoggerFactory.getLogger(AgentRpcServer.class);

  private final Clients clients;
  private final StreamServer service;
  private final InetSocketAddress address;
  private final ServerCredentials credentials;
  private final Duration shutdownTimeout;
  private final ConfigurableEnvironment environment;
  private volatile Server server;

  AgentRpcServer(
      Clients clients,
      StreamServer service,
      InetSocketAddress address,
      ServerCredentials credentials,
      Duration shutdownTimeout,
      ConfigurableEnvironment environment) {
    this.clients = clients;
    this.service = service;
    this.address = address;
    this.credentials = credentials;
    this.shutdownTimeout = shutdownTimeout;
    this.environment = environment;
  }

  /** The port the server bound; -1 before it started and after it stopped. */
  public int port() {
    Server current = server;
    return current == null ? -1 : current.getPort();
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    NettyServerBuilder builder =
        credentials == null
            ? NettyServerBuilder.forAddress(address)
            : NettyServerBuilder.forAddress(address, credentials);
    try {
      server = StreamServer.configure(builder).addService(service).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("agentrpc: could not bind " + address, e);
    }
    if (environment != null) {
      environment
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "agentrpc.server.local", Map.of(LOCAL_PORT_PROPERTY, server.getPort())));
    }
    log.info(
        "agentrpc controller listening on {}:{}{}",
        address.getHostString(),
        server.getPort(),
        credentials == null ? "" : " (TLS)");
  }

  @Override
  public synchronized void stop() {
    Server current = server;
    if (current == null) {
      return;
    }
    clients.close();
    current.shutdown();
    try {
      if (!current.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        current.shutdownNow().awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      current.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
