package dev.agentrpc.example.controller;

import dev.agentrpc.cluster.ClusterListener;
import dev.agentrpc.cluster.ClusterReplica;
import dev.agentrpc.cluster.redis.RedisDirectory;
import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.fleet.FleetPage;
import dev.agentrpc.example.security.ControllerSecurity;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.http.PollServlet;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The controller: a gRPC server agents dial into (over the stream, long-poll or heartbeat
 * transport), an HTTP/1.1 server (Jetty) for agents polling over plain HTTP (plaintext
 * controllers only) and for the operators' fleet page (on 127.0.0.1, a port of its own), the
 * {@link Clients} agents join, and the typed {@link AgentFunctionsProxy} that calls them.
 */
public final class FleetController implements AutoCloseable {
  /** Where the HTTP server serves the poll servlet. */
  public static final String POLL_PATH = "/agentrpc/poll";

  /** Where the HTTP server serves the fleet page. */
  public static final String FLEET_PATH = "/fleet";

  /** The address the fleet page listens on: it calls agents for whoever reaches it. */
  public static final String FLEET_HOST = "127.0.0.1";

  private static final String AGENTS_CONNECTOR = "agents";
  private static final String FLEET_CONNECTOR = "fleet";

  private final Clients clients;
  private final ClusterReplica replica; // null unless one replica of a cluster
  private final String clusterDescription;
  private final Clients.Subscription clusterEvents; // null unless a replica serving the fleet page
  private final Server server;
  private final org.eclipse.jetty.server.Server http; // null when not served
  private final AgentFunctionsProxy agents;
  private final ControllerSecurity security;

  private FleetController(
      Clients clients,
      ClusterReplica replica,
      String clusterDescription,
      Clients.Subscription clusterEvents,
      Server server,
      org.eclipse.jetty.server.Server http,
      AgentFunctionsProxy agents,
      ControllerSecurity security) {
    this.clients = clients;
    this.replica = replica;
    this.clusterDescription = clusterDescription;
    this.clusterEvents = clusterEvents;
    this.server = server;
    this.http = http;
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
    return start(host, port, -1, callTimeout, security);
  }

  /**
   * Starts a controller as {@link #start(String, int, Duration, ControllerSecurity)} does, and
   * also serves agents polling over HTTP/1.1 on {@code httpPort} (0 picks a free one; -1 none).
   * HTTP is served without TLS, so only by a plaintext controller.
   *
   * @throws IOException if a port cannot be bound
   * @throws IllegalArgumentException for HTTP with TLS
   */
  public static FleetController start(
      String host, int port, int httpPort, Duration callTimeout, ControllerSecurity security) throws IOException {
    return start(host, port, httpPort, -1, callTimeout, security);
  }

  /**
   * Starts a controller as {@link #start(String, int, int, Duration, ControllerSecurity)} does,
   * and also serves the fleet page at {@link #FLEET_PATH} on {@link #FLEET_HOST}:{@code
   * fleetPort} (0 picks a free one; -1 none), from the same HTTP server.
   *
   * @throws IOException if a port cannot be bound
   * @throws IllegalArgumentException for HTTP with TLS
   */
  public static FleetController start(
      String host, int port, int httpPort, int fleetPort, Duration callTimeout, ControllerSecurity security)
      throws IOException {
    return start(host, port, httpPort, fleetPort, callTimeout, security, null);
  }

  /** How a controller joins a cluster of replicas: its directory and where the others reach it. */
  public record Cluster(String redisUri, String advertisedAddress) {
    /**
     * @param redisUri the cluster directory, e.g. {@code redis://redis.internal:6379}
     * @param advertisedAddress {@code host:port} where the other replicas reach this one, or null
     *     for the address the controller listens on
     */
    public Cluster {
      java.util.Objects.requireNonNull(redisUri, "redisUri");
    }
  }

  /**
   * Starts a controller as {@link #start(String, int, int, int, Duration, ControllerSecurity)}
   * does and, unless {@code cluster} is null, as one replica of a cluster: its gRPC server
   * serves the other replicas' forwarded calls too, and the console, the fleet page and {@link
   * #agents()} reach every agent of the cluster. Replicas call each other in plaintext, so a
   * cluster only with a plaintext controller.
   *
   * @throws IOException if a port cannot be bound
   * @throws IllegalArgumentException for HTTP or a cluster with TLS, or a cluster listening on a
   *     wildcard address without an advertised one
   */
  public static FleetController start(
      String host,
      int port,
      int httpPort,
      int fleetPort,
      Duration callTimeout,
      ControllerSecurity security,
      Cluster cluster)
      throws IOException {
    boolean plaintext = security.credentials() instanceof InsecureServerCredentials;
    if (cluster != null && !plaintext) {
      security.close();
      throw new IllegalArgumentException(
          "this example's replicas call each other in plaintext, so a cluster (--redis) only without TLS");
    }
    if (cluster != null && cluster.advertisedAddress() == null && new InetSocketAddress(host, 0).getAddress().isAnyLocalAddress()) {
      security.close();
      throw new IllegalArgumentException(
          "listening on " + host + ", a replica needs the address the other replicas reach it at: add --advertise HOST:PORT");
    }
    if (httpPort >= 0 && !(security.credentials() instanceof InsecureServerCredentials)) {
      security.close();
      throw new IllegalArgumentException(
          "this example serves HTTP/1.1 without TLS, so not beside a TLS controller: put an HTTPS"
              + " reverse proxy in front, or leave HTTP out");
    }
    ClusterReplica replica = null;
    String clusterDescription = null;
    try {
      if (cluster != null) {
        RedisDirectory directory = RedisDirectory.create(cluster.redisUri());
        replica = ClusterReplica.newBuilder(directory).build();
        clusterDescription = "cluster replica " + replica.id() + ", " + directory.describe();
      }
    } catch (RuntimeException e) {
      security.close();
      throw new IllegalArgumentException("cannot use " + cluster.redisUri() + " as the cluster directory: " + e.getMessage(), e);
    }
    Clients clients = replica != null ? replica.clients() : Clients.create();
    // One set of poll sessions, served by both the gRPC Poll rpc and the HTTP servlet.
    PollSessions sessions = PollSessions.newBuilder(clients).joinPolicy(security.joinPolicy()).build();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), security.credentials());
    // Keepalive finds dead agents within 15 s; the Connect stream (and the peers' forwarded calls) run without a thread hop.
    builder = replica != null ? ClusterReplica.configure(builder) : StreamServer.configure(builder);
    builder.addService(StreamServer.newBuilder(clients).joinPolicy(security.joinPolicy()).pollSessions(sessions).build());
    if (replica != null) {
      builder.addService(replica.peerService());
    }
    Server server = builder.build();
    AgentFunctionsProxy agents = AgentFunctionsProxy.of(clients);
    if (callTimeout != null) {
      agents = agents.withTimeout(callTimeout);
    }
    org.eclipse.jetty.server.Server http = null;
    Clients.Subscription clusterEvents = null;
    try {
      server.start();
      if (replica != null) {
        String advertised = cluster.advertisedAddress();
        replica.start(advertised != null ? advertised : hostPort(host, ((InetSocketAddress) server.getListenSockets().get(0)).getPort()));
      }
      if (httpPort >= 0 || fleetPort >= 0) {
        FleetPage page = fleetPort >= 0 ? new FleetPage(clients, Operations.of(agents)) : null;
        if (page != null && replica != null) {
          clusterEvents = replica.subscribe(forwardTo(page.agentEvents())); // live joins on other replicas too
        }
        http = httpServer(host, httpPort, sessions, fleetPort, page);
      }
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      if (clusterEvents != null) {
        clusterEvents.close();
      }
      if (replica != null) {
        replica.close();
      } else {
        clients.close();
      }
      security.close();
      throw e;
    }
    return new FleetController(clients, replica, clusterDescription, clusterEvents, server, http, agents, security);
  }

  /** Tells {@code listener} of the cluster's joins and leaves, whichever replica holds the agent. */
  private static ClusterListener forwardTo(ClientListener listener) {
    return new ClusterListener() {
      @Override
      public void onJoin(String client, String replica) {
        listener.onJoin(client);
      }

      @Override
      public void onLeave(String client, String replica) {
        listener.onLeave(client);
      }
    };
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Jetty serving the poll servlet at {@link #POLL_PATH} on {@code host:port} (unless port is
   * -1) and {@code page} at {@link #FLEET_PATH} on {@link #FLEET_HOST}:{@code fleetPort}
   * (unless null): one server, a connector each, each context reached through its own.
   */
  private static org.eclipse.jetty.server.Server httpServer(
      String host, int port, PollSessions sessions, int fleetPort, FleetPage page) throws IOException {
    org.eclipse.jetty.server.Server http = new org.eclipse.jetty.server.Server();
    ContextHandlerCollection contexts = new ContextHandlerCollection();
    if (port >= 0) {
      ServletContextHandler context = context(http, AGENTS_CONNECTOR, host, port);
      ServletHolder poll = new ServletHolder(new PollServlet(sessions));
      poll.setAsyncSupported(true);
      context.addServlet(poll, POLL_PATH);
      contexts.addHandler(context);
    }
    if (page != null) {
      ServletContextHandler context = context(http, FLEET_CONNECTOR, FLEET_HOST, fleetPort);
      ServletHolder fleet = new ServletHolder(page);
      fleet.setAsyncSupported(true); // long polls
      context.addServlet(fleet, FLEET_PATH + "/*");
      contexts.addHandler(context);
    }
    http.setHandler(contexts);
    try {
      http.start();
    } catch (Exception e) {
      try {
        http.stop();
      } catch (Exception ignored) {
        // the start's failure is the one to report
      }
      throw new IOException("cannot serve HTTP on " + host + ":" + port + " or " + FLEET_HOST + ":" + fleetPort + ": " + e.getMessage(), e);
    }
    return http;
  }

  /** A connector named {@code name} on {@code host:port} and a context only it reaches. */
  private static ServletContextHandler context(org.eclipse.jetty.server.Server http, String name, String host, int port) {
    ServerConnector connector = new ServerConnector(http);
    connector.setName(name);
    connector.setHost(host);
    connector.setPort(port);
    http.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setVirtualHosts(List.of("@" + name));
    return context;
  }

  /** How agents are served, in a few words for the operator. */
  public String security() {
    return security.description();
  }

  /** The port agents dial. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The port agents polling over HTTP/1.1 dial; -1 when HTTP is not served. */
  public int httpPort() {
    return localPort(AGENTS_CONNECTOR);
  }

  /** The port of the fleet page, on {@link #FLEET_HOST}; -1 when it is not served. */
  public int fleetPort() {
    return localPort(FLEET_CONNECTOR);
  }

  /** The fleet page's address, e.g. {@code http://127.0.0.1:8080/fleet/}; null when it is not served. */
  public String fleetUrl() {
    int port = fleetPort();
    return port < 0 ? null : "http://" + FLEET_HOST + ":" + port + FLEET_PATH + "/";
  }

  private int localPort(String connectorName) {
    if (http == null) {
      return -1;
    }
    for (Connector connector : http.getConnectors()) {
      if (connectorName.equals(connector.getName())) {
        return ((ServerConnector) connector).getLocalPort();
      }
    }
    return -1;
  }

  /** This controller's replica id and cluster directory, in a few words; null unless it is one replica of a cluster. */
  public String cluster() {
    return clusterDescription;
  }

  /** The connected agents: for one replica of a cluster, every replica's. */
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
    if (clusterEvents != null) {
      clusterEvents.close();
    }
    if (replica != null) {
      replica.close(); // its clients too, and its entries in the directory
    } else {
      clients.close();
    }
    server.shutdown();
    try {
      if (http != null) {
        http.stop();
      }
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      server.shutdownNow();
      throw new IllegalStateException("the HTTP server did not stop", e);
    } finally {
      security.close();
    }
  }
}
