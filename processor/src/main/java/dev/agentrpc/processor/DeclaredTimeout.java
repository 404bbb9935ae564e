package dev.agentrpc.processor;

import com.palantir.javapoet.CodeBlock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The value of one {@code @Timeout} annotation. */
record DeclaredTimeout(long value, TimeUnit unit) {

  /**
   * The timeout as a Duration.
   *
   * @throws ArithmeticException if it is too long for a Duration
   */
  Duration toDuration() {
    return Duration.of(value, unit.toChronoUnit());
  }

  /** An expression creating this timeout's Duration, in its declared unit. */
  CodeBlock toCode() {
    return switch (unit) {
      case NANOSECONDS -> CodeBlock.of("$T.ofNanos($L)", RuntimeNames.DURATION, literal());
      case MICROSECONDS ->
          CodeBlock.of(
              "$T.of($L, $T.MICROS)", RuntimeNames.DURATION, literal(), RuntimeNames.CHRONO_UNIT);
      case MILLISECONDS -> CodeBlock.of("$T.ofMillis($L)", RuntimeNames.DURATION, literal());
      case SECONDS -> CodeBlock.of("$T.ofSeconds($L)", RuntimeNames.DURATION, literal());
      case MINUTES -> CodeBlock.of("$T.ofMinutes($L)", RuntimeNames.DURATION, literal());
      case HOURS -> CodeBlock.of("$T.ofHours($L)", RuntimeNames.DURATION, literal());
      case DAYS -> CodeBlock.of("$T.ofDays($L)", RuntimeNames.DURATION, literal());
    };
  }

  private String literal() {
    return value > Integer.MAX_VALUE ? value + "L" : Long.toString(value);
  }
}
