package com.example.greeter;

import com.example.greeter.v1.GreetReply;
import com.example.greeter.v1.GreetRequest;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;

/** What agents serve; the processor generates GreeterProxy and GreeterHandlers beside it. */
@AgentService
@Timeout(5)
public interface Greeter {
  GreetReply greet(GreetRequest request);
}
