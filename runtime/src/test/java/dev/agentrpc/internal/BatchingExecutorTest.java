package dev.agentrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class BatchingExecutorTest {
  private final ArrayDeque<Runnable> handedOff = new ArrayDeque<>();
  private final List<Integer> ran = new ArrayList<>();

  @Test
  void aBurstIsOneHandOffRunInOrder() {
    BatchingExecutor executor = new BatchingExecutor(handedOff::add);
    for (int i = 0; i < 3; i++) {
      int n = i;
      executor.execute(() -> ran.add(n));
    }
    assertThat(handedOff).hasSize(1);
    handedOff.poll().run();
    assertThat(ran).containsExactly(0, 1, 2);
  }

  @Test
  void tasksSubmittedWhileABatchRunsGetADrainOfTheirOwn() {
    BatchingExecutor executor = new BatchingExecutor(handedOff::add);
    executor.execute(() -> executor.execute(() -> ran.add(2)));
    executor.execute(() -> ran.add(1));
    handedOff.poll().run();
    assertThat(ran).containsExactly(1);
    assertThat(handedOff).hasSize(1);
    handedOff.poll().run();
    assertThat(ran).containsExactly(1, 2);
  }

  @Test
  void aThrowingTaskDoesNotStopItsBatch() {
    BatchingExecutor executor = new BatchingExecutor(handedOff::add);
    executor.execute(
        () -> {
          throw new IllegalStateException("stage bug");
        });
    executor.execute(() -> ran.add(1));
    handedOff.poll().run();
    assertThat(ran).containsExactly(1);
  }

  @Test
  void aRefusingDelegateRunsTheBatchOnTheSubmittingThread() {
    BatchingExecutor executor =
        new BatchingExecutor(
            task -> {
              throw new RejectedExecutionException("shut down");
            });
    executor.execute(() -> ran.add(1));
    assertThat(ran).containsExactly(1);
  }
}
