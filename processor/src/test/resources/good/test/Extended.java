package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import io.grpc.StatusException;
import java.util.concurrent.TimeUnit;

/** Methods inherited from a generic superinterface, overloads, and unchecked exceptions. */
@AgentService
interface Extended extends Lookup<StringValue, Int32Value> {
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  StringValue describe(Int32Value number) throws StatusException, IllegalStateException;

  @Timeout(value = 1500, unit = TimeUnit.MICROSECONDS)
  StringValue describe(Timestamp time);

  /** Redeclaring Object's methods does not make them agent methods. */
  @Override
  String toString();
}

/** A plain superinterface, not a service itself. */
interface Lookup<Q extends Message, R extends Message> {
  R lookup(Q request);

  default Empty ignored(Empty request) {
    return request;
  }
}
