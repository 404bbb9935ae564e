package dev.agentrpc.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The controller side is on when {@code agentrpc.server.enabled} is {@code true}, or when it is
 * unset and {@code agentrpc.server.port} is set.
 */
final class OnServerEnabled extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment environment = context.getEnvironment();
    Boolean enabled = environment.getProperty("agentrpc.server.enabled", Boolean.class);
    if (enabled != null) {
      return new ConditionOutcome(enabled, "agentrpc.server.enabled is " + enabled);
    }
    boolean port = environment.containsProperty("agentrpc.server.port");
    return new ConditionOutcome(
        port, port ? "agentrpc.server.port is set" : "neither agentrpc.server.port nor .enabled");
  }
}
