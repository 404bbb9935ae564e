package dev.agentrpc.benchmarks;

import java.util.Locale;

/**
 * The executor configuration of every contender, the same on all of them in one benchmark.
 *
 * <ul>
 *   <li>{@code default}: what a user gets without asking. gRPC servers and channels run
 *       their callbacks on grpc's shared cached thread pool (a hand-off per message); the
 *       agent runs handlers on its own cached pool ({@code StreamClient}'s default).
 *   <li>{@code tuned}: {@code directExecutor()} on every gRPC server and channel, and the
 *       agent runs its (non-blocking) handler on the transport thread ({@code
 *       StreamClient.Builder.executor(Runnable::run)}): no hand-off anywhere.
 * </ul>
 */
public enum Config {
  DEFAULT,
  TUNED;

  /** The {@code @Param} spelling: "default" or "tuned". */
  public static Config of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public boolean direct() {
    return this == TUNED;
  }
}
