package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Extended} through {@link Clients}.
 *
 * <pre>{@code
 * ExtendedProxy proxy = ExtendedProxy.of(clients);
 * // one agent: wait for its reply, or get a future of it
 * proxy.describe("agent-7", request);
 * proxy.async().describe("agent-7", request);
 * // every connected agent: wait for one result each, or get a future of them
 * proxy.all().describe(request);
 * proxy.allAsync().describe(request);
 * // the agents options choose: each result as it lands
 * proxy.fanOut(FanOutOptions.selecting("region=eu")).describe(request).forEach(...);
 * // the interface itself, bound to one agent
 * Extended agent7 = proxy.forClient("agent-7");
 * }</pre>
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's,
 * else {@link Clients#defaultTimeout()}. Futures complete on the executor given to
 * {@link #withExecutor}, else {@link Clients#callbackExecutor()}.
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

  private final Executor executor;

  private final Async async;

  private final All all;

  private final AllAsync allAsync;

  private ExtendedProxy(Clients clients, Duration timeout, Executor executor) {
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
  public static ExtendedProxy of(Clients clients) {
    Objects.requireNonNull(clients, "clients");
    return new ExtendedProxy(clients, null, clients.callbackExecutor());
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
    return new ExtendedProxy(clients, timeout, executor);
  }

  /**
   * A copy of this proxy whose futures complete on {@code executor}, which then runs
   * the stages that depend on them. Blocking calls return on the calling thread either
   * way.
   */
  public ExtendedProxy withExecutor(Executor executor) {
    return new ExtendedProxy(clients, timeout, Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Calls {@link Extended#describe(Int32Value)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue describe(String client, Int32Value request) {
    return Calls.await(async.describe(client, request));
  }

  /**
   * Calls {@link Extended#describe(Timestamp)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue describe(String client, Timestamp request) {
    return Calls.await(async.describe(client, request));
  }

  /**
   * Calls {@link Lookup#lookup(Message)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public Int32Value lookup(String client, StringValue request) {
    return Calls.await(async.lookup(client, request));
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
   * An implementation of {@link Extended} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not. A failed call throws a {@code StatusException} from the methods declaring it,
   * a {@link StatusRuntimeException} from the others.
   */
  public Extended forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * Calls to one client that return a future of its reply, one method per method of
   * {@link Extended}; from {@link ExtendedProxy#async()}.
   *
   * <p>A future fails with a {@link StatusRuntimeException} when its call
   * does; cancelling it cancels the call on the agent.
   */
  public static final class Async {
    private final ExtendedProxy proxy;

    private Async(ExtendedProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Extended#describe(Int32Value)}
     * on the client named {@code client}.
     */
    public CompletableFuture<StringValue> describe(String client, Int32Value request) {
      return proxy.clients.call(client, request, StringValue.parser(),
          proxy.timeoutOr(DESCRIBE_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Extended#describe(Timestamp)}
     * on the client named {@code client}.
     */
    public CompletableFuture<StringValue> describe(String client, Timestamp request) {
      return proxy.clients.call(client, request, StringValue.parser(),
          proxy.timeoutOr(DESCRIBE_TIMEOUT_2), proxy.executor);
    }

    /**
     * Calls {@link Lookup#lookup(Message)}
     * on the client named {@code client}.
     */
    public CompletableFuture<Int32Value> lookup(String client, StringValue request) {
      return proxy.clients.call(client, request, Int32Value.parser(),
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
  }

  /**
   * Calls to every connected client that wait for one result per client, one method per
   * method of {@link Extended}; from {@link ExtendedProxy#all()}.
   */
  public static final class All {
    private final ExtendedProxy proxy;

    private All(ExtendedProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Extended#describe(Int32Value)}
     * on every connected client and waits for their results.
     */
    public List<Result<StringValue>> describe(Int32Value request) {
      return Calls.await(proxy.allAsync().describe(request));
    }

    /**
     * Calls {@link Extended#describe(Timestamp)}
     * on every connected client and waits for their results.
     */
    public List<Result<StringValue>> describe(Timestamp request) {
      return Calls.await(proxy.allAsync().describe(request));
    }

    /**
     * Calls {@link Lookup#lookup(Message)}
     * on every connected client and waits for their results.
     */
    public List<Result<Int32Value>> lookup(StringValue request) {
      return Calls.await(proxy.allAsync().lookup(request));
    }
  }

  /**
   * Calls to every connected client that return a future of one result per client, one
   * method per method of {@link Extended}; from {@link ExtendedProxy#allAsync()}.
   *
   * <p>A future completes once every client has answered, failed or timed out;
   * cancelling it cancels every call.
   */
  public static final class AllAsync {
    private final ExtendedProxy proxy;

    private AllAsync(ExtendedProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Extended#describe(Int32Value)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<StringValue>>> describe(Int32Value request) {
      return proxy.clients.callAll(request, StringValue.parser(), proxy.timeoutOr(DESCRIBE_TIMEOUT),
          proxy.executor);
    }

    /**
     * Calls {@link Extended#describe(Timestamp)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<StringValue>>> describe(Timestamp request) {
      return proxy.clients.callAll(request, StringValue.parser(),
          proxy.timeoutOr(DESCRIBE_TIMEOUT_2), proxy.executor);
    }

    /**
     * Calls {@link Lookup#lookup(Message)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<Int32Value>>> lookup(StringValue request) {
      return proxy.clients.callAll(request, Int32Value.parser(),
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
  }

  /**
   * Calls to the clients a {@link FanOutOptions} targets, whose results stream out as they arrive:
   * one method per method of {@link Extended}; from {@link ExtendedProxy#fanOut}.
   *
   * <p>Cancelling a {@link FanOut} cancels its calls in flight.
   */
  public static final class FanOutCalls {
    private final ExtendedProxy proxy;

    private final FanOutOptions options;

    private FanOutCalls(ExtendedProxy proxy, FanOutOptions options) {
      this.proxy = proxy;
      this.options = options;
    }

    /**
     * Calls {@link Extended#describe(Int32Value)}
     * on the clients the options target.
     */
    public FanOut<StringValue> describe(Int32Value request) {
      return proxy.clients.fanOut(request, StringValue.parser(), options,
          proxy.timeoutOr(DESCRIBE_TIMEOUT), proxy.executor);
    }

    /**
     * Calls {@link Extended#describe(Timestamp)}
     * on the clients the options target.
     */
    public FanOut<StringValue> describe(Timestamp request) {
      return proxy.clients.fanOut(request, StringValue.parser(), options,
          proxy.timeoutOr(DESCRIBE_TIMEOUT_2), proxy.executor);
    }

    /**
     * Calls {@link Lookup#lookup(Message)}
     * on the clients the options target.
     */
    public FanOut<Int32Value> lookup(StringValue request) {
      return proxy.clients.fanOut(request, Int32Value.parser(), options,
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
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
    public StringValue describe(Int32Value request) throws StatusException {
      try {
        return proxy.describe(client, request);
      } catch (StatusRuntimeException e) {
        throw e.getStatus().asException(e.getTrailers());
      }
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
