package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Registers an agent's implementation of {@link Inventory} in a {@link HandlerRegistry}.
 */
@Generated("dev.agentrpc.processor.AgentServiceProcessor")
public final class InventoryHandlers {
  private InventoryHandlers() {
  }

  /**
   * Registers every method of {@code impl} in {@code registry}, under its request type:
   *
   * <ul>
   *   <li>{@link Inventory#count(StringValue)} serves {@link StringValue}
   *   <li>{@link Inventory#lastChange(Empty)} serves {@link Empty}, asynchronously
   *   <li>{@link Inventory#restock(Int32Value)} serves {@link Int32Value}, asynchronously
   * </ul>
   *
   * @return {@code registry}
   * @throws IllegalStateException if {@code registry} already serves one of these
   *     request types
   */
  public static HandlerRegistry register(HandlerRegistry registry, Inventory impl) {
    Objects.requireNonNull(impl, "impl");
    return Objects.requireNonNull(registry, "registry")
        .register(StringValue.getDefaultInstance(), impl::count)
        .registerAsync(Empty.getDefaultInstance(), impl::lastChange)
        .registerAsync(Int32Value.getDefaultInstance(), impl::restock);
  }
}
