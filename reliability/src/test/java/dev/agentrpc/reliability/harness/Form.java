package dev.agentrpc.reliability.harness;

import java.time.Duration;

/**
 * Which form of the suite runs: the short one (the default, what CI runs) or the long one
 * ({@code -Preliability-long}, or {@code -Dreliability.long=true}).
 */
public final class Form {
  /** Whether the long form runs. */
  public static final boolean LONG = Boolean.getBoolean("reliability.long");

  private Form() {}

  /** {@code shortForm} in the short form, {@code longForm} in the long one. */
  public static <T> T pick(T shortForm, T longForm) {
    return LONG ? longForm : shortForm;
  }

  public static int pick(int shortForm, int longForm) {
    return LONG ? longForm : shortForm;
  }

  public static Duration seconds(long shortForm, long longForm) {
    return Duration.ofSeconds(LONG ? longForm : shortForm);
  }

  public static String name() {
    return LONG ? "long" : "short";
  }
}
