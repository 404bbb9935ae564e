package dev.agentrpc.spring.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An agent application: one bean implementing the {@code @AgentService} interface, and one
 * customizer watching the agent's state.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AgentApplication {
  /** The agent's {@link Greeter}. */
  @Bean
  public FriendlyGreeter friendlyGreeter() {
    return new FriendlyGreeter();
  }

  /** Counts down {@link AgentStates#connected} when the agent's stream is connected. */
  @Bean
  public AgentStates agentStates() {
    return new AgentStates();
  }
}
