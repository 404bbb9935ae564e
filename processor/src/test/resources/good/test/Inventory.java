package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import io.grpc.StatusException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A representative service: sync and async methods, interface and method timeouts. */
@AgentService
@Timeout(10)
public interface Inventory {
  /** Counts the items with this name; NOT_FOUND for an unknown name. */
  Int32Value count(StringValue name) throws StatusException;

  /** When the inventory last changed; slow, so asynchronous and with its own timeout. */
  @Timeout(value = 500, unit = TimeUnit.MILLISECONDS)
  CompletableFuture<Timestamp> lastChange(Empty request);

  /** Adds to the stock, answering when stored; a CompletionStage serves as well as a future. */
  CompletionStage<Int32Value> restock(Int32Value amount);

  /** Default methods are not agent methods. */
  default String describe() {
    return "inventory";
  }

  /** Nor are static methods. */
  static Inventory none() {
    return null;
  }
}
