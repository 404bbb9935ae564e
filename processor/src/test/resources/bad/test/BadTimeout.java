package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import java.util.concurrent.TimeUnit;

@AgentService
@Timeout(0)
interface BadTimeout {
  @Timeout(value = -5, unit = TimeUnit.MILLISECONDS)
  StringValue echo(StringValue text);

  @Timeout(value = Long.MAX_VALUE, unit = TimeUnit.DAYS)
  Int32Value count(Int32Value value);

  @Timeout(value = 3, unit = TimeUnit.MICROSECONDS)
  Empty ping(Empty request);
}
