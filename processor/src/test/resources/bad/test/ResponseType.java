package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.annotations.AgentService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

@AgentService
interface ResponseType {
  void run(Empty request);

  MessageOrBuilder view(StringValue request);

  CompletionStage<? extends Int32Value> stage(Int32Value request);

  CompletableFuture<?> wildcard(Timestamp request);
}
