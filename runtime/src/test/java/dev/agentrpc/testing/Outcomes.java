package dev.agentrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Assertions on the futures Clients returns; every wait bounded by {@link Fleet#WAIT}. */
public final class Outcomes {
  private Outcomes() {}

  /** The status {@code call} failed with, waiting a bounded time; OK if it succeeded. */
  public static Status statusOf(CompletableFuture<?> call) {
    try {
      call.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the call did not complete within " + Fleet.WAIT, e);
    }
  }

  /** Asserts {@code call} fails with {@code code} and a description containing {@code text}. */
  public static Status assertFails(CompletableFuture<?> call, Status.Code code, String text) {
    Throwable thrown = catchThrowable(() -> call.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(thrown).as("the call should have failed").isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(StatusRuntimeException.class);
    Status status = ((StatusRuntimeException) thrown.getCause()).getStatus();
    assertThat(status.getCode()).as(status.toString()).isEqualTo(code);
    if (text != null) {
      assertThat(status.getDescription()).contains(text);
    }
    return status;
  }
}
