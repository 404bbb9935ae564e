package com.example.jpms;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

/** What the agents of this example serve: their time, in a zone. */
@AgentService
public interface Clock {
  Int64Value now(StringValue zone);
}
