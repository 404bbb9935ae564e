package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import io.grpc.StatusException;
import java.io.IOException;

@AgentService
interface CheckedException {
  StringValue read(StringValue path) throws StatusException, IOException, IllegalStateException;
}
