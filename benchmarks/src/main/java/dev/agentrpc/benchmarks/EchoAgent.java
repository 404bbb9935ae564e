package dev.agentrpc.benchmarks;

import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;

/** The agent function every reverse-call benchmark calls. */
@AgentService
public interface EchoAgent {
  EchoResponse echo(EchoRequest request);

  /** The agents' implementation: echoes the payload back without copying it. */
  final class Impl implements EchoAgent {
    @Override
    public EchoResponse echo(EchoRequest request) {
      return Echo.reply(request);
    }
  }
}
