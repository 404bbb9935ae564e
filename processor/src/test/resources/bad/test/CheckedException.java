package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;

@AgentService
interface CheckedException {
  StringValue read(StringValue path)
      throws StatusException,
          IOException,
          IllegalStateException;

  Int32Value size(Int32Value handle)
      throws NotFound;

  /** A StatusException of its own, which a proxy could not throw. */
  final class NotFound extends StatusException {
    private static final long serialVersionUID = 1L;

    NotFound() {
      super(Status.NOT_FOUND);
    }
  }
}
