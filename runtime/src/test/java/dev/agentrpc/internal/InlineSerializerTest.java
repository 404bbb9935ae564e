package dev.agentrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InlineSerializerTest {
  private final InlineSerializer serializer = new InlineSerializer();
  private final List<Integer> ran = new ArrayList<>();

  @Test
  void aTaskRunsOnTheSubmittingThreadBeforeExecuteReturns() {
    Thread[] ranOn = new Thread[1];
    serializer.execute(() -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).isSameAs(Thread.currentThread());
  }

  @Test
  void aTaskSubmittedByATaskRunsAfterIt() {
    serializer.execute(
        () -> {
          serializer.execute(() -> ran.add(2));
          serializer.execute(() -> ran.add(3));
          ran.add(1);
        });
    assertThat(ran).containsExactly(1, 2, 3);
  }

  @Test
  void aThrowingTaskDoesNotStopTheOnesAfterIt() {
    serializer.execute(
        () -> {
          serializer.execute(
              () -> {
                throw new IllegalStateException("thrown on purpose");
              });
          serializer.execute(() -> ran.add(2));
          ran.add(1);
        });
    serializer.execute(() -> ran.add(3));
    assertThat(ran).containsExactly(1, 2, 3);
  }

  @Test
  void tasksFromManyThreadsRunOneAtATimeAndInEachThreadsOrder() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] lastSeen = new int[threads]; // only touched by serialized tasks
    int[] outOfOrder = new int[1];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                return;
              }
              for (int i = 1; i <= perThread; i++) {
                int n = i;
                serializer.execute(
                    () -> {
                      if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                      }
                      if (lastSeen[thread] != n - 1) {
                        outOfOrder[0]++;
                      }
                      lastSeen[thread] = n;
                      running.decrementAndGet();
                    });
              }
            });
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    // Every task ran by the time its submitter's execute returned or a drain that saw it ended.
    serializer.execute(() -> {});
    assertThat(overlaps).hasValue(0);
    assertThat(outOfOrder[0]).isZero();
    assertThat(lastSeen).containsOnly(perThread);
  }
}
