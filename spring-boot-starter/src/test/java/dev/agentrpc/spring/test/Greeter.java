package dev.agentrpc.spring.test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import java.util.concurrent.CompletableFuture;

/** What the test agents serve. */
@AgentService
public interface Greeter {
  /** "hello " and the name. */
  StringValue greet(StringValue name);

  /** Never answers: the call stays pending until the agent or the caller ends it. */
  CompletableFuture<Int32Value> hold(Int32Value request);
}
