package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.Result;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Inventory} through {@link Clients}.
 *
 * <pre>{@code
 * InventoryProxy proxy = InventoryProxy.of(clients);
 * // one agent: wait for its reply, or get a future of it
 * proxy.count("agent-7", request);
 * proxy.async().count("agent-7", request);
 * // every connected agent: wait for one result each, or get a future of them
 * proxy.all().count(request);
 * proxy.allAsync().count(request);
 * // the agents options choose: each result as it lands
 * proxy.fanOut(FanOutOptions.selecting("region=eu")).count(request).forEach(...);
 * // the interface itself, bound to one agent
 * Inventory agent7 = proxy.forClient("agent-7");
 * }</pre>
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's,
 * else {@link Clients#defaultTimeout()}. Futures complete on the executor given to
 * {@link #withExecutor}, else {@link Clients#callbackExecutor()}.
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

  private final Executor executor;

  private final Async async;

  private final All all;

  private final AllAsync allAsync;

  private InventoryProxy(Clients clients, Duration timeout, Executor executor) {
    this.clients = clients;
    this.timeout = timeout;
    this.executor = executor;
    this.async = new Async(this);
    this.all = new All(this);
    this.allAsync = new AllAsync(this);
  }

  /**
   * A proxy calling agents through {@code clients}, whose futures complete on
   * {@link Clients#callbackExecutor()}.
   */
  public static InventoryProxy of(Clients clients) {
    Objects.requireNonNull(clients, "clients");
    return new InventoryProxy(clients, null, clients.callbackExecutor());
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
    return new InventoryProxy(clients, timeout, executor);
  }

  /**
   * A copy of this proxy whose futures complete on {@code executor}, which then runs
   * the stages that depend on them. Blocking calls return on the calling thread either
   * way.
   */
  public InventoryProxy withExecutor(Executor executor) {
    return new InventoryProxy(clients, timeout, Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Calls {@link Inventory#count(StringValue)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value count(String client, StringValue request) {
    return Calls.await(async.count(client, request));
  }

  /**
   * Calls {@link Inventory#lastChange(Empty)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Timestamp lastChange(String client, Empty request) {
    return Calls.await(async.lastChange(client, request));
  }

  /**
   * Calls {@link Inventory#restock(Int32Value)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value restock(String client, Int32Value request) {
    return Calls.await(async.restock(client, request));
  }

  /**
   * Calls to one client that return a future of its reply.
   */
  public Async async() {
    return async;
  }

  /**
   * Calls to every connected client that wait for all their results.
   */
  public All all() {
    return all;
  }

  /**
   * Calls to every connected client that return a future of all their results.
   */
  public AllAsync allAsync() {
    return allAsync;
  }

  /**
   * Calls to the clients {@code options} target, whose results stream out as they arrive.
   *
   * @throws NullPointerException if {@code options} is null
   */
  public FanOutCalls fanOut(FanOutOptions options) {
    return new FanOutCalls(this, Objects.requireNonNull(options, "options"));
  }

  /**
   * An implementation of {@link Inventory} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not. A failed call throws a {@code StatusException} from the methods declaring it,
   * a {@link StatusRuntimeException} from the others.
   */
  public Inventory forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * Calls to one client that return a future of its reply, one method per method of
   * {@link Inventory}; from {@link InventoryProxy#async()}.
   *
   * <p>A future fails with a {@link StatusRuntimeException} when its call
   * does; cancelling it cancels the call on the agent.
   */
  public static final class Async {
    private final InventoryProxy proxy;

    private Async(InventoryProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Inventory#count(StringValue)}
     * on the client named {@code client}.
     */
    public CompletableFuture<Int32Value> count(String client, StringValue request) {
      return proxy.clients.call(client, request, Int32Value.parser(),
          proxy.timeoutOr(DEFAULT_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Inventory#lastChange(Empty)}
     * on the client named {@code client}.
     */
    public CompletableFuture<Timestamp> lastChange(String client, Empty request) {
      return proxy.clients.call(client, request, Timestamp.parser(),
          proxy.timeoutOr(LAST_CHANGE_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Inventory#restock(Int32Value)}
     * on the client named {@code client}.
     */
    public CompletableFuture<Int32Value> restock(String client, Int32Value request) {
      return proxy.clients.call(client, request, Int32Value.parser(),
          proxy.timeoutOr(DEFAULT_TIMEOUT), proxy.executor);
    }
  }

  /**
   * Calls to every connected client that wait for one result per client, one method per
   * method of {@link Inventory}; from {@link InventoryProxy#all()}.
   */
  public static final class All {
    private final InventoryProxy proxy;

    private All(InventoryProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Inventory#count(StringValue)}
     * on every connected client and waits for their results.
     */
    public List<Result<Int32Value>> count(StringValue request) {
      return Calls.await(proxy.allAsync().count(request));
    }

    /**
     * Calls {@link Inventory#lastChange(Empty)}
     * on every connected client and waits for their results.
     */
    public List<Result<Timestamp>> lastChange(Empty request) {
      return Calls.await(proxy.allAsync().lastChange(request));
    }

    /**
     * Calls {@link Inventory#restock(Int32Value)}
     * on every connected client and waits for their results.
     */
    public List<Result<Int32Value>> restock(Int32Value request) {
      return Calls.await(proxy.allAsync().restock(request));
    }
  }

  /**
   * Calls to every connected client that return a future of one result per client, one
   * method per method of {@link Inventory}; from {@link InventoryProxy#allAsync()}.
   *
   * <p>A future completes once every client has answered, failed or timed out;
   * cancelling it cancels every call.
   */
  public static final class AllAsync {
    private final InventoryProxy proxy;

    private AllAsync(InventoryProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Inventory#count(StringValue)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<Int32Value>>> count(StringValue request) {
      return proxy.clients.callAll(request, Int32Value.parser(), proxy.timeoutOr(DEFAULT_TIMEOUT),
          proxy.executor);
    }

    /**
     * Calls {@link Inventory#lastChange(Empty)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<Timestamp>>> lastChange(Empty request) {
      return proxy.clients.callAll(request, Timestamp.parser(),
          proxy.timeoutOr(LAST_CHANGE_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Inventory#restock(Int32Value)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<Int32Value>>> restock(Int32Value request) {
      return proxy.clients.callAll(request, Int32Value.parser(), proxy.timeoutOr(DEFAULT_TIMEOUT),
          proxy.executor);
    }
  }

  /**
   * Calls to the clients a {@link FanOutOptions} targets, whose results stream out as they arrive:
   * one method per method of {@link Inventory}; from {@link InventoryProxy#fanOut}.
   *
   * <p>Cancelling a {@link FanOut} cancels its calls in flight.
   */
  public static final class FanOutCalls {
    private final InventoryProxy proxy;

    private final FanOutOptions options;

    private FanOutCalls(InventoryProxy proxy, FanOutOptions options) {
      this.proxy = proxy;
      this.options = options;
    }

    /**
     * Calls {@link Inventory#count(StringValue)}
     * on the clients the options target.
     */
    public FanOut<Int32Value> count(StringValue request) {
      return proxy.clients.fanOut(request, Int32Value.parser(), options,
          proxy.timeoutOr(DEFAULT_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Inventory#lastChange(Empty)}
     * on the clients the options target.
     */
    public FanOut<Timestamp> lastChange(Empty request) {
      return proxy.clients.fanOut(request, Timestamp.parser(), options,
          proxy.timeoutOr(LAST_CHANGE_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Inventory#restock(Int32Value)}
     * on the clients the options target.
     */
    public FanOut<Int32Value> restock(Int32Value request) {
      return proxy.clients.fanOut(request, Int32Value.parser(), options,
          proxy.timeoutOr(DEFAULT_TIMEOUT), proxy.executor);
    }
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
    public Int32Value count(StringValue request) throws StatusException {
      try {
        return proxy.count(client, request);
      } catch (StatusRuntimeException e) {
        throw e.getStatus().asException(e.getTrailers());
      }
    }

    @Override
    public CompletableFuture<Timestamp> lastChange(Empty request) {
      return proxy.async().lastChange(client, request);
    }

    @Override
    public CompletionStage<Int32Value> restock(Int32Value request) {
      return proxy.async().restock(client, request);
    }

    @Override
    public String toString() {
      return "Inventory of client " + client;
    }
  }
}
