package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A future whose outcome is known but whose delivery still waits on its executor (behind a
 * stage that blocks, say) is completed by the thread that waits for it.
 */
class CallFutureDeliveryTest {
  private final ArrayDeque<Runnable> executor = new ArrayDeque<>();

  @Test
  void joinDeliversAnOutcomeStillQueuedOnTheExecutor() {
    SingleCall<String> future = new SingleCall<>(executor::add);
    future.succeeded("reply");
    assertThat(executor).hasSize(1); // queued, not run

    assertThat(future.join()).isEqualTo("reply");

    executor.poll().run(); // the queued delivery finds it done and does nothing
    assertThat(future.join()).isEqualTo("reply");
  }

  @Test
  void getDeliversAQueuedFailure() {
    SingleCall<String> future = new SingleCall<>(executor::add);
    future.failed(Status.UNAVAILABLE.withDescription("gone"));

    assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("gone");
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class);
  }

  @Test
  void stagesRunOnceWhoeverDelivers() {
    SingleCall<String> future = new SingleCall<>(executor::add);
    AtomicInteger stageRuns = new AtomicInteger();
    future.thenRun(stageRuns::incrementAndGet);
    future.succeeded("reply");

    assertThat(future.getNow("absent")).isEqualTo("reply");
    executor.poll().run();
    assertThat(stageRuns.get()).isEqualTo(1);
  }

  @Test
  void anUndecidedFutureIsNotCompletedByLooking() {
    SingleCall<String> future = new SingleCall<>(executor::add);
    assertThat(future.getNow("absent")).isEqualTo("absent");
    assertThat(future.isDone()).isFalse();
  }
}
