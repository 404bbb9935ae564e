package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import java.util.concurrent.CompletionStage;

@AgentService
interface LiteMessages {
  StringValue fromLite(LiteProto.LiteRequest request);

  CompletionStage<LiteProto.LiteReply> toLite(StringValue request);
}
