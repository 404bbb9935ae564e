package test;

import com.google.protobuf.Int32Value;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.agentrpc.client.HandlerRegistry;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Registers an agent's implementation of {@link Extended} in a {@link HandlerRegistry}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
final class ExtendedHandlers {
  private ExtendedHandlers() {
  }

  /**
   * Registers every method of {@code impl} in {@code registry}, under its request type:
   *
   * <ul>
   *   <li>{@link Extended#describe(Int32Value)} serves {@link Int32Value}
   *   <li>{@link Extended#describe(Timestamp)} serves {@link Timestamp}
   *   <li>{@link Lookup#lookup(Message)} serves {@link StringValue}
   * </ul>
   *
   * @return {@code registry}
   * @throws IllegalStateException if {@code registry} already serves one of these
   *     request types
   */
  public static HandlerRegistry register(HandlerRegistry registry, Extended impl) {
    Objects.requireNonNull(impl, "impl");
    return Objects.requireNonNull(registry, "registry")
        .register(Int32Value.getDefaultInstance(), impl::describe)
        .register(Timestamp.getDefaultInstance(), impl::describe)
        .register(StringValue.getDefaultInstance(), impl::lookup);
  }
}
