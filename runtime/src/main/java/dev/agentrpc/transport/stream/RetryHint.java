package dev.agentrpc.transport.stream;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * How a controller that is only busy tells an agent to come back soon: a refused Connect
 * stream's trailers carry {@value #TRAILER} (milliseconds). An agent that sees it retries
 * after about that long instead of after its growing backoff, which after an outage has
 * grown to its maximum. An original-protocol peer ignores the trailer.
 */
final class RetryHint {
  static final String TRAILER = "agentrpc-retry-after-ms";
  private static final Metadata.Key<String> KEY =
      Metadata.Key.of(TRAILER, Metadata.ASCII_STRING_MARSHALLER);

  private RetryHint() {}

  /** {@code status} as an exception whose trailers ask the agent to retry after {@code millis}. */
  static StatusRuntimeException refusal(Status status, long millis) {
    Metadata trailers = new Metadata();
    trailers.put(KEY, Long.toString(millis));
    return status.asRuntimeException(trailers);
  }

  /** The delay {@code t}'s trailers ask for, in nanoseconds; 0 if none (or not a positive number). */
  static long delayNanos(Throwable t) {
    Metadata trailers = Status.trailersFromThrowable(t);
    String value = trailers == null ? null : trailers.get(KEY);
    if (value == null) {
      return 0;
    }
    try {
      long millis = Long.parseLong(value);
      return millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
