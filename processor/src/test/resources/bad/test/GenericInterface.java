package test;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface GenericInterface<T extends Message> {
  StringValue echo(StringValue text);
}
