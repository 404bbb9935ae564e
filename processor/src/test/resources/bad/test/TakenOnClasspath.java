package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

/** Its proxy's name is taken by a class on the classpath, which the test compiles first. */
@AgentService
interface TakenOnClasspath {
  StringValue echo(StringValue text);
}
