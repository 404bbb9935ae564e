package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;

@AgentService
interface TimeoutPlacement {
  StringValue echo(StringValue text);

  @Timeout(1)
  default StringValue shout(StringValue text) {
    return echo(text);
  }

  @Timeout(2)
  static TimeoutPlacement none() {
    return null;
  }
}

@Timeout(3)
interface NotAService {
  StringValue echo(StringValue text);
}

class Plain {
  @Timeout(4)
  void run() {}
}
