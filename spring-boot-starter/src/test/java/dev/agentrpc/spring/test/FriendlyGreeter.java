package dev.agentrpc.spring.test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** The agent's {@link Greeter}; {@link #held} counts down when a {@code hold} call arrived. */
public final class FriendlyGreeter implements Greeter {
  /** Counts down when the agent received a {@code hold} call. */
  public final CountDownLatch held = new CountDownLatch(1);

  /** The stage of the last {@code hold} call, which only a cancellation completes. */
  public volatile CompletableFuture<Int32Value> holding;

  @Override
  public StringValue greet(StringValue name) {
    return StringValue.of("hello " + name.getValue());
  }

  @Override
  public CompletableFuture<Int32Value> hold(Int32Value request) {
    CompletableFuture<Int32Value> stage = new CompletableFuture<>();
    holding = stage;
    held.countDown();
    return stage;
  }
}
