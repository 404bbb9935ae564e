package dev.agentrpc.spring.test;

import dev.agentrpc.spring.AgentRpcAgentCustomizer;
import dev.agentrpc.transport.stream.StreamClient;
import java.util.concurrent.CountDownLatch;

/** A customizer that watches the agent's state: {@link #connected} counts down on CONNECTED. */
public final class AgentStates implements AgentRpcAgentCustomizer {
  /** Counts down when the agent's stream is first connected. */
  public final CountDownLatch connected = new CountDownLatch(1);

  @Override
  public void customize(StreamClient.Builder builder) {
    builder.onStateChange(
        state -> {
          if (state == StreamClient.State.CONNECTED) {
            connected.countDown();
          }
        });
  }
}
