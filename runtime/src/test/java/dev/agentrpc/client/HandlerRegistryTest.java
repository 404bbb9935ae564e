package dev.agentrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {
  @Test
  void handlersAreKeyedByTheRequestsFullProtoName() {
    HandlerRegistry registry =
        new HandlerRegistry()
            .register(StringValue.getDefaultInstance(), request -> request)
            .registerAsync(Int64Value.getDefaultInstance(), CompletableFuture::completedFuture);

    assertThat(registry.requestTypes())
        .containsExactly("google.protobuf.Int64Value", "google.protobuf.StringValue");
    assertThat(registry.lookup("type.googleapis.com/google.protobuf.StringValue")).isNotNull();
    assertThat(registry.lookup("type.googleapis.com/google.protobuf.Int64Value").isAsync()).isTrue();
    assertThat(registry.lookup("type.googleapis.com/google.protobuf.Empty")).isNull();
  }

  @Test
  void aSecondHandlerForTheSameTypeIsRefusedAtRegistration() {
    HandlerRegistry registry =
        new HandlerRegistry().register(StringValue.getDefaultInstance(), request -> request);

    assertThatThrownBy(
            () -> registry.registerAsync(StringValue.getDefaultInstance(), CompletableFuture::completedFuture))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("google.protobuf.StringValue is already registered");
  }
}
