package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface GenericMethod {
  <T> StringValue echo(StringValue text);
}
