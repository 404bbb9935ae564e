package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface NameClash {
  StringValue ping(StringValue request);

  Int32Value pingAll(Int32Value request);
}
