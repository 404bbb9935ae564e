package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

@AgentService
interface TakenName {
  StringValue echo(StringValue text);
}

/** Written by hand, with the name of the proxy the processor would generate. */
class TakenNameProxy {}
