package dev.agentrpc.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.security.testing.Credential;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinPolicy;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * A controller served over the given server credentials with a join policy, on Netty,
 * 127.0.0.1 and an ephemeral port, and the agents that dial it. Every agent answers a
 * StringValue with its label, a colon and the value, so a test sees who answered. Every
 * wait is bounded; {@link #close()} stops everything.
 */
final class SecureFleet implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /**
   * What a failed TLS handshake says in {@link #text}: BoringSSL's "ssl exception
   * (...TLSV1_ALERT_CERTIFICATE_REQUIRED)", the JDK's "Received fatal alert: ...".
   */
  static final String TLS_FAILURE = "(?i)ssl|tls|certificate|handshake";

  private final Clients clients = Clients.create();
  private final Server server;
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<String> leaves = new CopyOnWriteArrayList<>();

  private SecureFleet(ServerCredentials credentials, JoinPolicy policy) {
    clients.subscribe(
        new ClientListener() {
          @Override
          public void onLeave(String client) {
            leaves.add(client);
          }
        });
    try {
      server =
          StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials))
              .addService(StreamServer.newBuilder(clients).joinPolicy(policy).build())
              .build()
              .start();
    } catch (IOException e) {
      clients.close();
      throw new UncheckedIOException(e);
    }
  }

  static SecureFleet start(ServerCredentials credentials, JoinPolicy policy) {
    return new SecureFleet(credentials, policy);
  }

  /** TLS with {@code identity}'s certificate, agents' certificates required and checked against the CA. */
  static ServerCredentials mutualTls(Credential identity) {
    return serverTls(identity.keyManager(), TlsServerCredentials.ClientAuth.REQUIRE);
  }

  /** TLS with a key manager, agents' certificates checked against the CA as {@code clientAuth} says. */
  static ServerCredentials serverTls(KeyManager keyManager, TlsServerCredentials.ClientAuth clientAuth) {
    return TlsServerCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(Certificates.get().pki.trustManagers())
        .clientAuth(clientAuth)
        .build();
  }

  /** An agent's TLS trusting {@code trust}, presenting {@code identity} (none if null). */
  static ChannelCredentials agentTls(Credential identity, TrustManager... trust) {
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(trust);
    if (identity != null) {
      builder.keyManager(identity.keyManager());
    }
    return builder.build();
  }

  /** An agent's TLS trusting the test CA, presenting {@code identity} (none if null). */
  static ChannelCredentials agentTls(Credential identity) {
    return agentTls(identity, Certificates.get().pki.trustManagers());
  }

  Clients clients() {
    return clients;
  }

  /** The names of the agents whose connection ended, in order. */
  List<String> leaves() {
    return leaves;
  }

  /** A new channel to the controller, with its own connection. */
  ManagedChannel channel(ChannelCredentials credentials) {
    return channel(credentials, UnaryOperator.identity());
  }

  /** A new channel to the controller, with its own connection and {@code options}. */
  ManagedChannel channel(ChannelCredentials credentials, UnaryOperator<NettyChannelBuilder> options) {
    ManagedChannel channel =
        options
            .apply(StreamClient.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(), credentials)))
            .build();
    channels.add(channel);
    return channel;
  }

  /** Starts the agent {@code name}, answering as itself, and waits until it joined. */
  StreamClient agent(String name, ChannelCredentials credentials, UnaryOperator<StreamClient.Builder> options) {
    StreamClient agent = dial(name, name, credentials, options);
    try {
      clients.awaitConnected(List.of(name), WAIT);
    } catch (TimeoutException e) {
      throw new AssertionError(name + " did not join; its last stream ended " + agent.lastEnd(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return agent;
  }

  /** Starts a client saying Hello as {@code name}, answering as {@code label}; does not wait. */
  StreamClient dial(
      String name, String label, ChannelCredentials credentials, UnaryOperator<StreamClient.Builder> options) {
    return dial(name, label, channel(credentials), options);
  }

  /** Starts a client over {@code channel}, saying Hello as {@code name}, answering as {@code label}. */
  StreamClient dial(String name, String label, ManagedChannel channel, UnaryOperator<StreamClient.Builder> options) {
    HandlerRegistry registry =
        new HandlerRegistry()
            .register(StringValue.getDefaultInstance(), request -> StringValue.of(label + ":" + request.getValue()));
    StreamClient agent =
        options
            .apply(
                StreamClient.newBuilder(channel, name, registry)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(500)))
            .start();
    agents.add(agent);
    return agent;
  }

  /** Calls {@code name} and asserts that the agent answering is {@code name} itself. */
  void assertAnswersItself(String name) {
    StringValue reply =
        Calls.await(clients.call(name, StringValue.of("ping"), StringValue.parser(), CALL_TIMEOUT));
    assertThat(reply.getValue()).as("the reply of a call to %s", name).isEqualTo(name + ":ping");
  }

  /** The status's code and description, and the message of every cause. */
  static String text(Status status) {
    StringBuilder text = new StringBuilder(status.getCode() + ": " + status.getDescription());
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      text.append(" / ").append(cause);
    }
    return text.toString();
  }

  /** Waits until a stream of {@code agent} ended, and returns how. */
  static Status awaitLastEnd(StreamClient agent) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (agent.lastEnd() == null) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no stream of " + agent.name() + " ended within " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return agent.lastEnd();
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
    assertThat(server.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).as("server terminated").isTrue();
    for (ManagedChannel channel : channels) {
      assertThat(channel.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).as("channel terminated").isTrue();
    }
  }
}
