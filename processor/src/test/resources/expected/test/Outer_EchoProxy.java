package test;

import com.google.protobuf.StringValue;
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
import java.util.concurrent.Executor;
import javax.annotation.processing.Generated;

/**
 * Calls the agents serving {@link Outer.Echo} through {@link Clients}.
 *
 * <pre>{@code
 * Outer_EchoProxy proxy = Outer_EchoProxy.of(clients);
 * // one agent: wait for its reply, or get a future of it
 * proxy.echo("agent-7", request);
 * proxy.async().echo("agent-7", request);
 * // every connected agent: wait for one result each, or get a future of them
 * proxy.all().echo(request);
 * proxy.allAsync().echo(request);
 * // the agents options choose: each result as it lands
 * proxy.fanOut(FanOutOptions.selecting("region=eu")).echo(request).forEach(...);
 * // the interface itself, bound to one agent
 * Outer.Echo agent7 = proxy.forClient("agent-7");
 * }</pre>
 *
 * <p>Immutable and thread-safe. A call's timeout is the one given to
 * {@link #withTimeout}, else its method's {@code @Timeout}, else the interface's,
 * else {@link Clients#defaultTimeout()}. Futures complete on the executor given to
 * {@link #withExecutor}, else {@link Clients#callbackExecutor()}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
final class Outer_EchoProxy {
  private final Clients clients;

  /**
   * Overrides every declared timeout when not null.
   */
  private final Duration timeout;

  private final Executor executor;

  private final Async async;

  private final All all;

  private final AllAsync allAsync;

  private Outer_EchoProxy(Clients clients, Duration timeout, Executor executor) {
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
  public static Outer_EchoProxy of(Clients clients) {
    Objects.requireNonNull(clients, "clients");
    return new Outer_EchoProxy(clients, null, clients.callbackExecutor());
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
    return new Outer_EchoProxy(clients, timeout, executor);
  }

  /**
   * A copy of this proxy whose futures complete on {@code executor}, which then runs
   * the stages that depend on them. Blocking calls return on the calling thread either
   * way.
   */
  public Outer_EchoProxy withExecutor(Executor executor) {
    return new Outer_EchoProxy(clients, timeout, Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Calls {@link Outer.Echo#echo(StringValue)} on the client named
   * {@code client} and waits for its reply.
   *
   * @throws StatusRuntimeException with the call's status: NOT_FOUND when no such client is
   *     connected, DEADLINE_EXCEEDED after the timeout, or the status the agent failed with
   */
  public StringValue echo(String client, StringValue request) {
    return Calls.await(async.echo(client, request));
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
   * An implementation of {@link Outer.Echo} whose methods call the client named {@code client}
   * through this proxy: those returning a message wait for the reply, those returning a
   * future do not. A failed call throws a {@code StatusException} from the methods declaring it,
   * a {@link StatusRuntimeException} from the others.
   */
  public Outer.Echo forClient(String client) {
    return new BoundProxy(this, Objects.requireNonNull(client, "client"));
  }

  private Duration timeoutOr(Duration declared) {
    return timeout != null ? timeout : declared;
  }

  /**
   * Calls to one client that return a future of its reply, one method per method of
   * {@link Outer.Echo}; from {@link Outer_EchoProxy#async()}.
   *
   * <p>A future fails with a {@link StatusRuntimeException} when its call
   * does; cancelling it cancels the call on the agent.
   */
  public static final class Async {
    private final Outer_EchoProxy proxy;

    private Async(Outer_EchoProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Outer.Echo#echo(StringValue)}
     * on the client named {@code client}.
     */
    public CompletableFuture<StringValue> echo(String client, StringValue request) {
      return proxy.clients.call(client, request, StringValue.parser(),
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
  }

  /**
   * Calls to every connected client that wait for one result per client, one method per
   * method of {@link Outer.Echo}; from {@link Outer_EchoProxy#all()}.
   */
  public static final class All {
    private final Outer_EchoProxy proxy;

    private All(Outer_EchoProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Outer.Echo#echo(StringValue)}
     * on every connected client and waits for their results.
     */
    public List<Result<StringValue>> echo(StringValue request) {
      return Calls.await(proxy.allAsync().echo(request));
    }
  }

  /**
   * Calls to every connected client that return a future of one result per client, one
   * method per method of {@link Outer.Echo}; from {@link Outer_EchoProxy#allAsync()}.
   *
   * <p>A future completes once every client has answered, failed or timed out;
   * cancelling it cancels every call.
   */
  public static final class AllAsync {
    private final Outer_EchoProxy proxy;

    private AllAsync(Outer_EchoProxy proxy) {
      this.proxy = proxy;
    }

    /**
     * Calls {@link Outer.Echo#echo(StringValue)}
     * on every connected client.
     */
    public CompletableFuture<List<Result<StringValue>>> echo(StringValue request) {
      return proxy.clients.callAll(request, StringValue.parser(),
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
  }

  /**
   * Calls to the clients a {@link FanOutOptions} targets, whose results stream out as they arrive:
   * one method per method of {@link Outer.Echo}; from {@link Outer_EchoProxy#fanOut}.
   *
   * <p>Cancelling a {@link FanOut} cancels its calls in flight.
   */
  public static final class FanOutCalls {
    private final Outer_EchoProxy proxy;

    private final FanOutOptions options;

    private FanOutCalls(Outer_EchoProxy proxy, FanOutOptions options) {
      this.proxy = proxy;
      this.options = options;
    }

    /**
     * Calls {@link Outer.Echo#echo(StringValue)}
     * on the clients the options target.
     */
    public FanOut<StringValue> echo(StringValue request) {
      return proxy.clients.fanOut(request, StringValue.parser(), options,
          proxy.timeoutOr(proxy.clients.defaultTimeout()), proxy.executor);
    }
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
