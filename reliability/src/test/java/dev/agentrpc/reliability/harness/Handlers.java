package dev.agentrpc.reliability.harness;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a well-behaved agent serves, on well-known protobuf types:
 *
 * <ul>
 *   <li>StringValue: echo, prefixed with the agent's name;
 *   <li>Int64Value: hold for that many ms, or until the handler's Context is cancelled;
 *   <li>BytesValue: reply with the payload's size, as an Int64Value.
 * </ul>
 */
public final class Handlers {
  private final AtomicInteger holding = new AtomicInteger();
  private final AtomicInteger cancelledHolds = new AtomicInteger();

  /** A registry serving the three handlers for an agent named {@code name}. */
  public HandlerRegistry registry(String name) {
    return new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), echo -> StringValue.of(name + ":" + echo.getValue()))
        .register(Int64Value.getDefaultInstance(), this::hold)
        .register(BytesValue.getDefaultInstance(), bytes -> Int64Value.of(bytes.getValue().size()));
  }

  /** Hold handlers running now. */
  public int holding() {
    return holding.get();
  }

  /** Hold handlers that ended because their Context was cancelled. */
  public int cancelledHolds() {
    return cancelledHolds.get();
  }

  private Int64Value hold(Int64Value millis) throws StatusException {
    Context context = Context.current();
    CountDownLatch cancelled = new CountDownLatch(1);
    Context.CancellationListener listener = c -> cancelled.countDown();
    context.addListener(listener, Runnable::run);
    holding.incrementAndGet();
    try {
      if (!cancelled.await(millis.getValue(), TimeUnit.MILLISECONDS)) {
        return millis;
      }
      cancelledHolds.incrementAndGet();
      throw Status.CANCELLED.withDescription("stopped holding: the call was cancelled").asException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").withCause(e).asException();
    } finally {
      holding.decrementAndGet();
      context.removeListener(listener);
    }
  }
}
