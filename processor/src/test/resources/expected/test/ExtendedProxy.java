package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Extended} through {@link Clients}.
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's, else
 * {@link Clients#defaultTimeout()}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
final class ExtendedProxy {
  private static final Duration DESCRIBE_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration DESCRIBE_TIMEOUT_2 = Duration.of(1500, ChronoUnit.MICROS);

  private final Clients clients;

  /**
   * Overrides every declared timeout when not null.
   */
  private final Duration timeout;

  private ExtendedProxy(Clients clients, Duration timeout) {
    this.clients = clients;
    this.timeout = timeout;
  }

  /**
   * A proxy calling agents through {@code clients}.
   */
  public static ExtendedProxy of(Clients clients) {
    return new ExtendedProxy(Objects.requireNonNull(clients, "clients"), null);
  }

  /**
   * A copy of this proxy whose calls all time out after {@code timeout}, whatever their
   * {@code @Timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public ExtendedProxy withTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new ExtendedProxy(clients, timeout);
  }

  /**
   * Calls {@link Extended#describe(Int32Value)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue describe(String client, Int32Value request) {
    return Calls.await(describeAsync(client, request));
  }

  /**
   * Calls {@link Extended#describe(Int32Value)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<StringValue> describeAsync(String client, Int32Value request) {
    return clients.call(client, request, StringValue.parser(), timeoutOr(DESCRIBE_TIMEOUT));
  }

  /**
   * Calls {@link Extended#describe(Int32Value)} on every connected client and waits for all their results.
   */
  public List<Result<StringValue>> describeAll(Int32Value request) {
    return Calls.await(describeAllAsync(request));
  }

  /**
   * Calls {@link Extended#describe(Int32Value)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<StringValue>>> describeAllAsync(Int32Value request) {
    return clients.callAll(request, StringValue.parser(), timeoutOr(DESCRIBE_TIMEOUT));
  }

  /**
   * Calls {@link Extended#describe(Timestamp)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue describe(String client, Timestamp request) {
    return Calls.await(describeAsync(client, request));
  }

  /**
   * Calls {@link Extended#describe(Timestamp)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<StringValue> describeAsync(String client, Timestamp request) {
    return clients.call(client, request, StringValue.parser(), timeoutOr(DESCRIBE_TIMEOUT_2));
  }

  /**
   * Calls {@link Extended#describe(Timestamp)} on every connected client and waits for all their results.
   */
  public List<Result<StringValue>> describeAll(Timestamp request) {
    return Calls.await(describeAllAsync(request));
  }

  /**
   * Calls {@link Extended#describe(Timestamp)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<StringValue>>> describeAllAsync(Timestamp request) {
    return clients.callAll(request, StringValue.parser(), timeoutOr(DESCRIBE_TIMEOUT_2));
  }

  /**
   * Calls {@link Lookup#lookup(Message)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value lookup(String client, StringValue request) {
    return Calls.await(lookupAsync(client, request));
  }

  /**
   * Calls {@link Lookup#lookup(Message)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<Int32Value> lookupAsync(String client, StringValue request) {
    return clients.call(client, request, Int32Value.parser(), timeoutOr(clients.defaultTimeout()));
  }

  /**
   * Calls {@link Lookup#lookup(Message)} on every connected client and waits for all their results.
   */
  public List<Result<Int32Value>> lookupAll(StringValue request) {
    return Calls.await(lookupAllAsync(request));
  }

  /**
   * Calls {@link Lookup#lookup(Message)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<Int32Value>>> lookupAllAsync(StringValue request) {
    return clients.callAll(request, Int32Value.parser(), timeoutOr(clients.defaultTimeout()));
  }

  /**
   * An implementation of {@link Extended} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not.
   */
  public Extended forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * What {@link #forClient} returns: {@link Extended} bound to one client.
   */
  private static final class BoundProxy implements Extended {
    private final ExtendedProxy proxy;

    private final String client;

    BoundProxy(ExtendedProxy proxy, String client) {
      this.proxy = proxy;
      this.client = client;
    }

    @Override
    public StringValue describe(Int32Value request) {
      return proxy.describe(client, request);
    }

    @Override
    public StringValue describe(Timestamp request) {
      return proxy.describe(client, request);
    }

    @Override
    public Int32Value lookup(StringValue request) {
      return proxy.lookup(client, request);
    }

    @Override
    public String toString() {
      return "Extended of client " + client;
    }
  }
}
