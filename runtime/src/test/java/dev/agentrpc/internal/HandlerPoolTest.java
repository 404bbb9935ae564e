package dev.agentrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private HandlerPool pool;

  @AfterEach
  void shutDown() {
    release.countDown();
    if (pool != null) {
      pool.shutdown();
    }
  }

  @Test
  void runsEveryTaskOfABurst() throws InterruptedException {
    pool = new HandlerPool("test-", 8);
    CountDownLatch done = new CountDownLatch(10_000);
    for (int i = 0; i < 10_000; i++) {
      pool.execute(done::countDown);
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBlockedHandlerDoesNotHoldUpTheOnesBehindIt() throws InterruptedException {
    pool = new HandlerPool("test-", 8);
    CountDownLatch blocking = new CountDownLatch(1);
    pool.execute(
        () -> {
          blocking.countDown();
          awaitRelease();
        });
    assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch behind = new CountDownLatch(1);
    pool.execute(behind::countDown);
    assertThat(behind.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBurstOfBlockingHandlersRunsAllAtOnce() throws InterruptedException {
    pool = new HandlerPool("test-", 64);
    int count = 50;
    CountDownLatch allRunning = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      pool.execute(
          () -> {
            allRunning.countDown();
            awaitRelease();
          });
    }
    // Each handler blocks until released: they can only all be running on 50 threads.
    assertThat(allRunning.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.threads()).isGreaterThanOrEqualTo(count);
  }

  @Test
  void neverRunsMoreThreadsThanItsBound() throws InterruptedException {
    pool = new HandlerPool("test-", 3);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    CountDownLatch threeRunning = new CountDownLatch(3);
    CountDownLatch done = new CountDownLatch(6);
    for (int i = 0; i < 6; i++) {
      pool.execute(
          () -> {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            threeRunning.countDown();
            awaitRelease();
            running.decrementAndGet();
            done.countDown();
          });
    }
    assertThat(threeRunning.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.threads()).isEqualTo(3);
    release.countDown();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mostRunning.get()).isEqualTo(3);
  }

  @Test
  void aThrowingTaskLeavesThePoolWorking() throws InterruptedException {
    pool = new HandlerPool("test-", 2);
    pool.execute(
        () -> {
          throw new IllegalStateException("handler bug");
        });
    CountDownLatch after = new CountDownLatch(1);
    pool.execute(after::countDown);
    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownRunsWhatWasQueuedAndRefusesNewTasks() throws InterruptedException {
    pool = new HandlerPool("test-", 1);
    CountDownLatch started = new CountDownLatch(1);
    pool.execute(
        () -> {
          started.countDown();
          awaitRelease();
        });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch queued = new CountDownLatch(1);
    pool.execute(queued::countDown); // waits: the one thread allowed is busy
    pool.shutdown();
    assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    release.countDown();
    assertThat(queued.await(5, TimeUnit.SECONDS)).isTrue();
  }

  private void awaitRelease() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
