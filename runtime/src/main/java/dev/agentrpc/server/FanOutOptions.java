package dev.agentrpc.server;

import dev.agentrpc.internal.ClientNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which clients a {@linkplain Clients#fanOut fan-out} calls, how many at once, and when it
 * ends early. Immutable: every method returns a changed copy.
 *
 * <pre>{@code
 * // every client labelled region=eu, ten at a time, stopping after the first failure
 * FanOutOptions.selecting("region=eu").window(10).maxFailures(0)
 * // these three clients; done as soon as two have answered
 * FanOutOptions.clients(List.of("db-1", "db-2", "db-3")).quorum(2)
 * }</pre>
 *
 * <p>Unless set: every client connected when the fan-out starts, all called at once, ending
 * when each has answered, failed or timed out.
 */
public final class FanOutOptions {
  private static final FanOutOptions ALL = new FanOutOptions();

  final List<String> names; // null: select among connected clients
  final LabelSelector selector;
  final int window; // 0: no limit
  final int windowPercent; // 0: not a percentage
  final Duration pause;
  final int quorum; // 0: none
  final int maxFailures; // -1: no limit
  final double maxFailureRatio; // -1: no limit
  final boolean stopCancelsInFlight;
  final Duration stallTimeout; // null: none

  private FanOutOptions() {
    names = null;
    selector = LabelSelector.everything();
    window = 0;
    windowPercent = 0;
    pause = Duration.ZERO;
    quorum = 0;
    maxFailures = -1;
    maxFailureRatio = -1;
    stopCancelsInFlight = false;
    stallTimeout = null;
  }

  private FanOutOptions(
      List<String> names,
      LabelSelector selector,
      int window,
      int windowPercent,
      Duration pause,
      int quorum,
      int maxFailures,
      double maxFailureRatio,
      boolean stopCancelsInFlight,
      Duration stallTimeout) {
    this.names = names;
    this.selector = selector;
    this.window = window;
    this.windowPercent = windowPercent;
    this.pause = pause;
    this.quorum = quorum;
    this.maxFailures = maxFailures;
    this.maxFailureRatio = maxFailureRatio;
    this.stopCancelsInFlight = stopCancelsInFlight;
    this.stallTimeout = stallTimeout;
  }

  /** Every client connected when the fan-out starts. */
  public static FanOutOptions all() {
    return ALL;
  }

  /**
   * The clients named in {@code names} (duplicates ignored), in that order. A name no
   * connected client has gets a NOT_FOUND result; it is never an exception.
   *
   * @throws IllegalArgumentException if a name is not a valid client name
   */
  public static FanOutOptions clients(Collection<String> names) {
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String name : names) {
      String problem = ClientNames.problem(Objects.requireNonNull(name, "name"));
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      unique.add(name);
    }
    return ALL.copy(List.copyOf(new ArrayList<>(unique)), LabelSelector.everything());
  }

  /** The clients connected when the fan-out starts whose labels match {@code selector}. */
  public static FanOutOptions selecting(LabelSelector selector) {
    return ALL.copy(null, Objects.requireNonNull(selector, "selector"));
  }

  /**
   * The clients connected when the fan-out starts whose labels match {@code selector}, as
   * {@link LabelSelector#parse} reads it (e.g. {@code "region=eu,!canary"}).
   */
  public static FanOutOptions selecting(String selector) {
    return selecting(LabelSelector.parse(selector));
  }

  /**
   * Calls at most {@code clients} at once, starting the next as each one ends (a sliding
   * window, as a rolling update does). Each call then has its own timeout from when it
   * starts.
   */
  public FanOutOptions window(int clients) {
    if (clients < 1) {
      throw new IllegalArgumentException("window must be at least 1 client, was " + clients);
    }
    return new FanOutOptions(names, selector, clients, 0, pause, quorum, maxFailures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  /** Like {@link #window(int)}, as a percentage of the clients targeted (rounded up, at least 1). */
  public FanOutOptions windowPercent(int percent) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("windowPercent must be 1 to 100, was " + percent);
    }
    return new FanOutOptions(names, selector, 0, percent, pause, quorum, maxFailures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  /** With a window: waits this long after a call ends before starting the next one. */
  public FanOutOptions pauseBetween(Duration pause) {
    Objects.requireNonNull(pause, "pause");
    if (pause.isNegative()) {
      throw new IllegalArgumentException("pause must not be negative, was " + pause);
    }
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, maxFailures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  /**
   * Ends the fan-out once {@code clients} have answered: the calls still in flight are
   * cancelled on their clients, and those not started are never called.
   */
  public FanOutOptions quorum(int clients) {
    if (clients < 1) {
      throw new IllegalArgumentException("quorum must be at least 1 client, was " + clients);
    }
    return new FanOutOptions(names, selector, window, windowPercent, pause, clients, maxFailures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  /**
   * Stops the fan-out once more than {@code failures} calls have failed: nothing new is
   * started, and the calls in flight end as they would (or are cancelled, with {@link
   * #stopCancelsInFlight}). {@code maxFailures(0)} stops at the first failure.
   */
  public FanOutOptions maxFailures(int failures) {
    if (failures < 0) {
      throw new IllegalArgumentException("maxFailures must not be negative, was " + failures);
    }
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, failures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  /**
   * Stops the fan-out once the failed calls exceed {@code ratio} (0 to 1) of the clients
   * targeted, as {@link #maxFailures} does.
   */
  public FanOutOptions maxFailureRatio(double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("maxFailureRatio must be 0 to 1, was " + ratio);
    }
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, maxFailures, ratio, stopCancelsInFlight, stallTimeout);
  }

  /** When too many calls failed: whether the calls in flight are cancelled too (false unless set). */
  public FanOutOptions stopCancelsInFlight(boolean cancel) {
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, maxFailures, maxFailureRatio, cancel, stallTimeout);
  }

  /**
   * Ends the fan-out when no result arrived for {@code timeout}: the calls in flight are
   * cancelled with DEADLINE_EXCEEDED, and those not started are never called.
   */
  public FanOutOptions stallTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("stallTimeout must be positive, was " + timeout);
    }
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, maxFailures, maxFailureRatio, stopCancelsInFlight, timeout);
  }

  /** How many of {@code targets} clients may be in flight at once. */
  int windowFor(int targets) {
    if (window > 0) {
      return Math.min(window, Math.max(targets, 1));
    }
    if (windowPercent > 0) {
      return Math.max(1, (int) Math.ceil(targets * windowPercent / 100.0));
    }
    return Math.max(targets, 1);
  }

  /** Whether calls start as others end, rather than all at once. */
  boolean isWindowed() {
    return window > 0 || windowPercent > 0;
  }

  /** Whether {@code failures} of {@code targets} failed calls stop the fan-out. */
  boolean tooManyFailures(int failures, int targets) {
    return (maxFailures >= 0 && failures > maxFailures)
        || (maxFailureRatio >= 0 && failures > maxFailureRatio * targets);
  }

  private FanOutOptions copy(List<String> names, LabelSelector selector) {
    return new FanOutOptions(names, selector, window, windowPercent, pause, quorum, maxFailures, maxFailureRatio, stopCancelsInFlight, stallTimeout);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("FanOutOptions{");
    out.append(names != null ? "clients=" + names : "selecting=\"" + selector + "\"");
    if (window > 0) {
      out.append(", window=").append(window);
    }
    if (windowPercent > 0) {
      out.append(", window=").append(windowPercent).append('%');
    }
    if (!pause.isZero()) {
      out.append(", pause=").append(pause);
    }
    if (quorum > 0) {
      out.append(", quorum=").append(quorum);
    }
    if (maxFailures >= 0) {
      out.append(", maxFailures=").append(maxFailures);
    }
    if (maxFailureRatio >= 0) {
      out.append(", maxFailureRatio=").append(maxFailureRatio);
    }
    if (stopCancelsInFlight) {
      out.append(", stopCancelsInFlight");
    }
    if (stallTimeout != null) {
      out.append(", stallTimeout=").append(stallTimeout);
    }
    return out.append('}').toString();
  }
}
