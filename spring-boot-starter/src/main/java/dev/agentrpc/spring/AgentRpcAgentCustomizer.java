package dev.agentrpc.spring;

import dev.agentrpc.transport.stream.StreamClient;

/**
 * Adjusts the agent's {@link StreamClient.Builder} before it starts, after the properties were
 * applied: a handler executor, observers, state listeners. Every bean of this type is applied, in
 * the context's bean order.
 */
@FunctionalInterface
public interface AgentRpcAgentCustomizer {
  void customize(StreamClient.Builder builder);
}
