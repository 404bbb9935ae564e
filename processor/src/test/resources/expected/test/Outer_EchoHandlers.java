package test;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Registers an agent's implementation of {@link Outer.Echo} in a {@link HandlerRegistry}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
final class Outer_EchoHandlers {
  private Outer_EchoHandlers() {
  }

  /**
   * Registers every method of {@code impl} in {@code registry}, under its request type:
   *
   * <ul>
   *   <li>{@link Outer.Echo#echo(StringValue)} serves {@link StringValue}
   * </ul>
   *
   * @return {@code registry}
   * @throws IllegalStateException if {@code registry} already serves one of these
   *     request types
   */
  public static HandlerRegistry register(HandlerRegistry registry, Outer.Echo impl) {
    Objects.requireNonNull(impl, "impl");
    return Objects.requireNonNull(registry, "registry")
        .register(StringValue.getDefaultInstance(), impl::echo);
  }
}
