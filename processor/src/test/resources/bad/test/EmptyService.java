package test;

import dev.agentrpc.annotations.AgentService;

@AgentService
interface EmptyService {
  default String describe() {
    return "nothing to serve";
  }
}
