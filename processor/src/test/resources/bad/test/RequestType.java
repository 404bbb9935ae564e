package test;

import com.google.protobuf.AbstractMessage;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface RequestType {
  StringValue fromString(String text);

  StringValue fromMessage(Message message);

  StringValue fromAbstract(AbstractMessage message);
}
