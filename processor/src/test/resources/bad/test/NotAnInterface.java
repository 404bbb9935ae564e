package test;

import dev.agentrpc.annotations.AgentService;

@AgentService
abstract class NotAnInterface {}
