package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Inventory} through {@link Clients}.
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's, else
 * {@link Clients#defaultTimeout()}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
public final class InventoryProxy {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration LAST_CHANGE_TIMEOUT = Duration.ofMillis(500);

  private final Clients clients;

  /**
   * Overrides every declared timeout when not null.
   */
  private final Duration timeout;

  private InventoryProxy(Clients clients, Duration timeout) {
    this.clients = clients;
    this.timeout = timeout;
  }

  /**
   * A proxy calling agents through {@code clients}.
   */
  public static InventoryProxy of(Clients clients) {
    return new InventoryProxy(Objects.requireNonNull(clients, "clients"), null);
  }

  /**
   * A copy of this proxy whose calls all time out after {@code timeout}, whatever their
   * {@code @Timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public InventoryProxy withTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new InventoryProxy(clients, timeout);
  }

  /**
   * Calls {@link Inventory#count(StringValue)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value count(String client, StringValue request) {
    return Calls.await(countAsync(client, request));
  }

  /**
   * Calls {@link Inventory#count(StringValue)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<Int32Value> countAsync(String client, StringValue request) {
    return clients.call(client, request, Int32Value.parser(), timeoutOr(DEFAULT_TIMEOUT));
  }

  /**
   * Calls {@link Inventory#count(StringValue)} on every connected client and waits for all their results.
   */
  public List<Result<Int32Value>> countAll(StringValue request) {
    return Calls.await(countAllAsync(request));
  }

  /**
   * Calls {@link Inventory#count(StringValue)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<Int32Value>>> countAllAsync(StringValue request) {
    return clients.callAll(request, Int32Value.parser(), timeoutOr(DEFAULT_TIMEOUT));
  }

  /**
   * Calls {@link Inventory#lastChange(Empty)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Timestamp lastChange(String client, Empty request) {
    return Calls.await(lastChangeAsync(client, request));
  }

  /**
   * Calls {@link Inventory#lastChange(Empty)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<Timestamp> lastChangeAsync(String client, Empty request) {
    return clients.call(client, request, Timestamp.parser(), timeoutOr(LAST_CHANGE_TIMEOUT));
  }

  /**
   * Calls {@link Inventory#lastChange(Empty)} on every connected client and waits for all their results.
   */
  public List<Result<Timestamp>> lastChangeAll(Empty request) {
    return Calls.await(lastChangeAllAsync(request));
  }

  /**
   * Calls {@link Inventory#lastChange(Empty)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<Timestamp>>> lastChangeAllAsync(Empty request) {
    return clients.callAll(request, Timestamp.parser(), timeoutOr(LAST_CHANGE_TIMEOUT));
  }

  /**
   * Calls {@link Inventory#restock(Int32Value)} on the client named {@code client} and waits
   * for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value restock(String client, Int32Value request) {
    return Calls.await(restockAsync(client, request));
  }

  /**
   * Calls {@link Inventory#restock(Int32Value)} on the client named {@code client}.
   *
   * <p>The future fails with a {@link StatusRuntimeException} when the call does;
   * cancelling it cancels the call on the agent.
   */
  public CompletableFuture<Int32Value> restockAsync(String client, Int32Value request) {
    return clients.call(client, request, Int32Value.parser(), timeoutOr(DEFAULT_TIMEOUT));
  }

  /**
   * Calls {@link Inventory#restock(Int32Value)} on every connected client and waits for all their results.
   */
  public List<Result<Int32Value>> restockAll(Int32Value request) {
    return Calls.await(restockAllAsync(request));
  }

  /**
   * Calls {@link Inventory#restock(Int32Value)} on every connected client.
   *
   * <p>The future completes with one result per client once all have answered, failed
   * or timed out; cancelling it cancels every call.
   */
  public CompletableFuture<List<Result<Int32Value>>> restockAllAsync(Int32Value request) {
    return clients.callAll(request, Int32Value.parser(), timeoutOr(DEFAULT_TIMEOUT));
  }

  /**
   * An implementation of {@link Inventory} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not.
   */
  public Inventory forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * What {@link #forClient} returns: {@link Inventory} bound to one client.
   */
  private static final class BoundProxy implements Inventory {
    private final InventoryProxy proxy;

    private final String client;

    BoundProxy(InventoryProxy proxy, String client) {
      this.proxy = proxy;
      this.client = client;
    }

    @Override
    public Int32Value count(StringValue request) {
      return proxy.count(client, request);
    }

    @Override
    public CompletableFuture<Timestamp> lastChange(Empty request) {
      return proxy.lastChangeAsync(client, request);
    }

    @Override
    public CompletionStage<Int32Value> restock(Int32Value request) {
      return proxy.restockAsync(client, request);
    }

    @Override
    public String toString() {
      return "Inventory of client " + client;
    }
  }
}
