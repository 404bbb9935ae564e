package dev.agentrpc.benchmarks;

import java.util.Locale;

/**
 * The executor configuration of every contender, the same on all of them in one benchmark.
 *
 * <ul>
 *   <li>{@code default}: what a user gets with the README's set-up and nothing else. The
 *       plain gRPC anchors run their callbacks on grpc's shared cached thread pool (a
 *       hand-off per message), but for the bidi anchor's client, which reads on the transport
 *       thread as the agent's stream does; the controller serves the Connect stream without a
 *       hop ({@code StreamServer.configure}), the agent runs handlers on its own pool and
 *       callers' futures complete on the shared callback pool ({@code StreamClient}'s and
 *       {@code Clients}' defaults), both handing off per burst rather than per call.
 *   <li>{@code tuned}: {@code directExecutor()} on every gRPC server and channel, the agent
 *       runs its (non-blocking) handler on the transport thread ({@code
 *       StreamClient.Builder.executor(Runnable::run)}), and callers' futures complete there
 *       too ({@code Clients.Builder.callbackExecutor(Runnable::run)}): no hand-off anywhere.
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
