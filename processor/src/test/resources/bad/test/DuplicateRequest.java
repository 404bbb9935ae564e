package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface DuplicateRequest {
  StringValue lookup(StringValue key);

  Int32Value count(StringValue key);
}
