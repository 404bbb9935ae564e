package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

class PrivateInterface {
  @AgentService
  private interface Hidden {
    StringValue echo(StringValue text);
  }
}
