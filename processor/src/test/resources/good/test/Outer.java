package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

class Outer {
  /** A nested, package-private service without timeouts. */
  @AgentService
  interface Echo {
    StringValue echo(StringValue text);
  }
}
