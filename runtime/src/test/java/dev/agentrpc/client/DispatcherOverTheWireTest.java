package dev.agentrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.testing.ScriptedController;
import dev.agentrpc.testing.TestAgent;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent's side of the protocol, driven by a scripted controller over real gRPC. */
@Timeout(60)
class DispatcherOverTheWireTest {
  private static final com.google.protobuf.Duration TEN_SECONDS =
      Durations.fromNanos(TimeUnit.SECONDS.toNanos(10));

  private ScriptedController controller;
  private StreamClient agent;
  private TestAgent handlers;

  @BeforeEach
  void connectAnAgent() throws Exception {
    controller = new ScriptedController();
    handlers = new TestAgent("agent", 1);
    agent =
        StreamClient.newBuilder(controller.channel(), "agent", handlers.registry())
            .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .start();
  }

  @AfterEach
  void close() throws InterruptedException {
    agent.close();
    controller.close();
  }

  @Test
  void theFirstMessageIsHelloWithItsNameAndNextIdZero() throws Exception {
    ClientToServer hello = controller.nextConnection().next();

    assertThat(hello.getHello().getName()).isEqualTo("agent");
    assertThat(hello.getHello().getNextId()).isZero();
  }

  @Test
  void aPayloadThatDoesNotParseIsInvalidArgument() throws Exception {
    ScriptedController.Connection connection = helloed();
    Any garbage =
        Any.newBuilder()
            .setTypeUrl("type.googleapis.com/google.protobuf.StringValue")
            .setValue(ByteString.copyFrom(new byte[] {0x0a, 0x05, 'x'})) // length 5, one byte
            .build();

    connection.send(request(7, garbage, TEN_SECONDS));

    Response response = connection.next().getResponse();
    assertThat(response.getId()).isEqualTo(7);
    assertThat(response.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getError().getMessage()).contains("google.protobuf.StringValue");
  }

  @Test
  void aRequestWithoutTimeoutIsInvalidArgument() throws Exception {
    ScriptedController.Connection connection = helloed();

    connection.send(
        ServerToClient.newBuilder()
            .setRequest(Request.newBuilder().setId(3).setPayload(Any.pack(StringValue.of("x"))))
            .build());

    Response response = connection.next().getResponse();
    assertThat(response.getId()).isEqualTo(3);
    assertThat(response.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
  }

  @Test
  void anUnknownTypeIsUnimplementedAndDoesNotListTheServedTypes() throws Exception {
    ScriptedController.Connection connection = helloed();

    connection.send(request(1, Any.pack(com.google.protobuf.Empty.getDefaultInstance()), TEN_SECONDS));

    Response response = connection.next().getResponse();
    assertThat(response.getError().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
    assertThat(response.getError().getMessage())
        .contains("google.protobuf.Empty")
        .doesNotContain("google.protobuf.StringValue"); // a controller learns nothing it did not ask
  }

  @Test
  void cancelIdCancelsTheHandlersContextAndNoResponseIsSent() throws Exception {
    ScriptedController.Connection connection = helloed();
    connection.send(request(5, Any.pack(Int64Value.of(60_000)), TEN_SECONDS));
    handlers.awaitHolding();

    connection.send(ServerToClient.newBuilder().setCancelId(5).build());

    assertThat(handlers.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    // Prove the stream is still served, and that the cancelled call sent nothing before this.
    connection.send(request(6, Any.pack(StringValue.of("after")), TEN_SECONDS));
    Response next = connection.next().getResponse();
    assertThat(next.getId()).isEqualTo(6);
    assertThat(StringValue.parseFrom(next.getPayload()).getValue()).isEqualTo("agent:after");
  }

  @Test
  void anAsyncHandlersFutureIsCancelledWithItsContext() throws Exception {
    CompletableFuture<StringValue> pending = new CompletableFuture<>();
    CompletableFuture<Status> contextStatus = new CompletableFuture<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    HandlerRegistry registry =
        new HandlerRegistry()
            .registerAsync(
                StringValue.getDefaultInstance(),
                request -> {
                  Context.current()
                      .addListener(c -> contextStatus.complete(Contexts.statusFromCancelled(c)), Runnable::run);
                  started.complete(null);
                  return pending;
                });
    try (ScriptedController other = new ScriptedController();
        StreamClient asyncAgent = StreamClient.newBuilder(other.channel(), "async", registry).start()) {
      ScriptedController.Connection connection = other.nextConnection();
      connection.next(); // Hello
      connection.send(request(1, Any.pack(StringValue.of("x")), TEN_SECONDS));
      started.get(10, TimeUnit.SECONDS);
      connection.send(ServerToClient.newBuilder().setCancelId(1).build());

      assertThat(contextStatus.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
      assertThat(pending)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(CancellationException.class);
    }
  }

  @Test
  void aFutureAnAsyncHandlerReturnsAfterTheAgentClosedIsCancelled() throws Exception {
    CompletableFuture<StringValue> pending = new CompletableFuture<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    CountDownLatch release = new CountDownLatch(1);
    HandlerRegistry registry =
        new HandlerRegistry()
            .registerAsync(
                StringValue.getDefaultInstance(),
                request -> {
                  started.complete(null);
                  try {
                    release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return pending;
                });
    // The agent's executor, shut down as an agent's own pool is when it closes: the Context's
    // cancellation cannot run there any more, whichever comes first.
    ExecutorService handlers = Executors.newSingleThreadExecutor();
    try (ScriptedController other = new ScriptedController();
        StreamClient asyncAgent =
            StreamClient.newBuilder(other.channel(), "late", registry).executor(handlers).start()) {
      ScriptedController.Connection connection = other.nextConnection();
      connection.next(); // Hello
      connection.send(request(1, Any.pack(StringValue.of("x")), TEN_SECONDS));
      started.get(10, TimeUnit.SECONDS);
      asyncAgent.close();
      handlers.shutdown();
      release.countDown(); // the handler returns its future only now

      assertThat(pending)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(CancellationException.class);
    } finally {
      handlers.shutdownNow();
      assertThat(handlers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void eachConnectionStartsAFreshDispatcherAfterTheControllerHangsUp() throws Exception {
    ScriptedController.Connection first = helloed();
    first.send(request(5, Any.pack(Int64Value.of(60_000)), TEN_SECONDS));
    handlers.awaitHolding();

    first.hangUp();

    // The in-flight handler is cancelled with the connection, and the agent redials.
    assertThat(handlers.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    ScriptedController.Connection second = controller.nextConnection();
    assertThat(second.next().getHello().getNextId()).isZero();
    second.send(request(5, Any.pack(StringValue.of("again")), TEN_SECONDS));
    Response response = second.next().getResponse();
    assertThat(response.getId()).isEqualTo(5);
    assertThat(StringValue.parseFrom(response.getPayload()).getValue()).isEqualTo("agent:again");
  }

  private ScriptedController.Connection helloed() throws InterruptedException {
    ScriptedController.Connection connection = controller.nextConnection();
    assertThat(connection.next().hasHello()).isTrue();
    return connection;
  }

  private static ServerToClient request(long id, Any payload, com.google.protobuf.Duration timeout) {
    return ServerToClient.newBuilder()
        .setRequest(Request.newBuilder().setId(id).setTimeout(timeout).setPayload(payload))
        .build();
  }
}
