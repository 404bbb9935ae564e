package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

/** Uses a message that another processor generates, so exists only from round two on. */
@AgentService
interface UsesGeneratedType {
  StringValue echo(LaterProto.LaterRequest request);
}
