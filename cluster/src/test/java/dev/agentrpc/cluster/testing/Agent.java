package dev.agentrpc.cluster.testing;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The handlers the cluster tests call: StringValue echoes, prefixed with the agent's tag;
 * Int64Value holds that many ms or until its Context is cancelled; BoolValue fails with
 * PERMISSION_DENIED "not for you".
 */
public final class Agent {
  private final String tag;
  private final BlockingQueue<Status> cancellations = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> holding = new LinkedBlockingQueue<>();

  public Agent(String tag) {
    this.tag = tag;
  }

  public HandlerRegistry registry() {
    return new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), request -> StringValue.of(tag + ":" + request.getValue()))
        .register(Int64Value.getDefaultInstance(), this::hold)
        .register(
            BoolValue.getDefaultInstance(),
            request -> {
              throw Status.PERMISSION_DENIED.withDescription("not for you").asException();
            });
  }

  /** Waits until a hold call runs on this agent. */
  public void awaitHolding() throws InterruptedException {
    if (holding.poll(Waits.WAIT.toSeconds(), TimeUnit.SECONDS) == null) {
      throw new AssertionError("agent " + tag + " did not start holding in time");
    }
  }

  /** Why the next holding handler's Context was cancelled, waiting a bounded time. */
  public Status nextCancellation() throws InterruptedException {
    Status cause = cancellations.poll(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
    if (cause == null) {
      throw new AssertionError("no handler on " + tag + " saw its Context cancelled in time");
    }
    return cause;
  }

  /** Holds until {@code millis} pass (and replies them) or the call's Context is cancelled (recorded). */
  private Int64Value hold(Int64Value millis) throws io.grpc.StatusException {
    CountDownLatch ended = new CountDownLatch(1);
    Context.current()
        .addListener(
            cancelled -> {
              cancellations.add(Contexts.statusFromCancelled(cancelled));
              ended.countDown();
            },
            Runnable::run);
    holding.add(true);
    try {
      if (!ended.await(millis.getValue(), TimeUnit.MILLISECONDS)) {
        return millis;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw Status.CANCELLED.withDescription("stopped holding").asException();
  }
}
