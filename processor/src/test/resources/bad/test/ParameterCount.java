package test;

import com.google.protobuf.Empty;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface ParameterCount {
  StringValue concat(StringValue first, StringValue second);

  Empty nothing();
}
