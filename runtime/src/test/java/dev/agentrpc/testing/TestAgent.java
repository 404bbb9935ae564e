package dev.agentrpc.testing;

import com.google.protobuf.BoolValue;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The handlers the runtime tests call, on well-known protobuf types:
 *
 * <ul>
 *   <li>StringValue: echo, prefixed with the agent's name;
 *   <li>Int64Value: hold for that many ms or until the handler's Context is cancelled;
 *   <li>BoolValue: fail (true: StatusException PERMISSION_DENIED; false: IllegalStateException);
 *   <li>BytesValue: reply with that many bytes (for size limits).
 * </ul>
 */
public final class TestAgent {
  private final String name;
  private final BlockingQueue<Status> cancellations = new LinkedBlockingQueue<>();
  private final BlockingQueue<Deadline> deadlines = new LinkedBlockingQueue<>();
  private final CountDownLatch holding;

  public TestAgent(String name) {
    this(name, 0);
  }

  /** @param expectedHolds how many Int64Value calls {@link #awaitHolding()} waits for */
  public TestAgent(String name, int expectedHolds) {
    this.name = name;
    this.holding = new CountDownLatch(expectedHolds);
  }

  public HandlerRegistry registry() {
    return new HandlerRegistry()
        .register(
            StringValue.getDefaultInstance(),
            request -> StringValue.of(name + ":" + request.getValue()))
        .register(Int64Value.getDefaultInstance(), this::hold)
        .register(
            BoolValue.getDefaultInstance(),
            request -> {
              if (request.getValue()) {
                throw Status.PERMISSION_DENIED.withDescription("not for you").asException();
              }
              throw new IllegalStateException("secret internal detail");
            })
        .register(
            BytesValue.getDefaultInstance(),
            request ->
                BytesValue.of(
                    com.google.protobuf.ByteString.copyFrom(
                        new byte[Integer.parseInt(request.getValue().toStringUtf8())])));
  }

  /** Waits until the expected number of hold calls are running on this agent. */
  public void awaitHolding() throws InterruptedException {
    if (!holding.await(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("agent " + name + " did not start holding in time");
    }
  }

  /** Why the next holding handler's Context was cancelled, waiting a bounded time. */
  public Status nextCancellation() throws InterruptedException {
    Status cause = cancellations.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    if (cause == null) {
      throw new AssertionError("no handler on " + name + " saw its Context cancelled in time");
    }
    return cause;
  }

  /** The deadline the last holding handler's Context carried. */
  public Deadline nextDeadline() throws InterruptedException {
    return deadlines.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private Int64Value hold(Int64Value millis) throws io.grpc.StatusException {
    Context context = Context.current();
    deadlines.add(context.getDeadline());
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    context.addListener(c -> cancelled.complete(null), Runnable::run);
    holding.countDown();
    try {
      cancelled.get(millis.getValue(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return millis;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withCause(e).asException();
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
    cancellations.add(Contexts.statusFromCancelled(context));
    throw Status.CANCELLED.withDescription("stopped holding").asException();
  }
}
