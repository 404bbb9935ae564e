package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface ReservedName {
  StringValue forClient(StringValue request);
}
