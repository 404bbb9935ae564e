package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Outer.Echo} through {@link Clients}.
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's, else
 * {@link Clients#defaultTimeout()}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
final class Outer_EchoProxy {
  private final Clients clients;

  /**
   * Overrides every declared timeout when not null.
   */
  private final Duration timeout;

  private Outer_EchoProxy(Clients clients, Duration timeout) {
    this.clients = clients;
    this.timeout = timeout;
  }

  /**
   * A proxy calling agents through {@code clients}.
   */
  public static Outer_EchoProxy of(Clients clients) {
    return new Outer_EchoProxy(Objects.requireNonNull(clients, "clients"), null);
  }

  /**
   * A copy of this proxy whose calls all time out after {@code timeout}, whatever their
   * {@code @Timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public Outer_EchoProxy withTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new Outer_EchoProxy(clients, timeout);
  }

  /**
   * Calls {@link Outer.Echo#echo(StringValue)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue echo(String client, StringValue request) {
    return Calls.await(echoAsync(client, request));
  }

  /**
   * Calls {@link Outer.Echo#echo(StringValue)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<StringValue> echoAsync(String client, StringValue request) {
    return clients.call(client, request, StringValue.parser(), timeoutOr(clients.defaultTimeout()));
  }

  /**
   * Calls {@link Outer.Echo#echo(StringValue)} on every connected client and waits for all their results.
   */
  public List<Result<StringValue>> echoAll(StringValue request) {
    return Calls.await(echoAllAsync(request));
  }

  /**
   * Calls {@link Outer.Echo#echo(StringValue)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<StringValue>>> echoAllAsync(StringValue request) {
    return clients.callAll(request, StringValue.parser(), timeoutOr(clients.defaultTimeout()));
  }

  /**
   * An implementation of {@link Outer.Echo} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not.
   */
  public Outer.Echo forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * What {@link #forClient} returns: {@link Outer.Echo} bound to one client.
   */
  private static final class BoundProxy implements Outer.Echo {
    private final Outer_EchoProxy proxy;

    private final String client;

    BoundProxy(Outer_EchoProxy proxy, String client) {
      this.proxy = proxy;
      this.client = client;
    }

    @Override
    public StringValue echo(StringValue request) {
      return proxy.echo(client, request);
    }

    @Override
    public String toString() {
      return "Echo of client " + client;
    }
  }
}
