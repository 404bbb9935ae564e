package dev.agentrpc.spring.test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** The agent's {@link Greeter}; its latches tell what became of {@code hold} calls. */
public final class FriendlyGreeter implements Greeter {
  /** Counts down when the agent received a {@code hold} call. */
  public final CountDownLatch held = new CountDownLatch(1);

  /** Counts down when the stage of a {@code hold} call was cancelled (by the agent's close). */
  public final CountDownLatch cancelled = new CountDownLatch(1);

  @Override
  public StringValue greet(StringValue name) {
    return StringValue.of("hello " + name.getValue());
  }

  @Override
  public CompletableFuture<Int32Value> hold(Int32Value request) {
    CompletableFuture<Int32Value> stage = new CompletableFuture<>();
    stage.whenComplete(
        (response, failure) -> {
          if (stage.isCancelled()) {
            cancelled.countDown();
          }
        });
    held.countDown();
    return stage;
  }
}
