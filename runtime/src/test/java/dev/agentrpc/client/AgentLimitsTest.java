package dev.agentrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.testing.ScriptedController;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A controller that floods an agent cannot take it down: every limit answers at once. */
@Timeout(60)
class AgentLimitsTest {
  private static final com.google.protobuf.Duration MINUTE =
      Durations.fromNanos(TimeUnit.MINUTES.toNanos(1));

  private final CountDownLatch release = new CountDownLatch(1);
  private ScriptedController controller;
  private StreamClient agent;

  @AfterEach
  void close() throws InterruptedException {
    release.countDown();
    if (agent != null) {
      agent.close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  /** Handlers that hold until the test ends, whatever their Context says. */
  private HandlerRegistry sleepers() {
    return new HandlerRegistry()
        .register(
            Int64Value.getDefaultInstance(),
            request -> {
              try {
                release.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return request;
            })
        .register(
            BytesValue.getDefaultInstance(),
            request -> {
              try {
                release.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return BytesValue.getDefaultInstance();
            });
  }

  private ScriptedController.Connection connect(StreamClient.Builder options) throws Exception {
    agent = options.start();
    ScriptedController.Connection connection = controller.nextConnection();
    assertThat(connection.next().hasHello()).isTrue();
    return connection;
  }

  @Test
  void twoThousandRequestsToSleepingHandlersLeaveTheHandlerThreadsAtTheBound() throws Exception {
    controller = new ScriptedController();
    ScriptedController.Connection connection =
        connect(StreamClient.newBuilder(controller.channel(), "flooded", sleepers()));

    for (long id = 0; id < 2000; id++) {
      connection.send(request(id, Any.pack(Int64Value.of(id)), MINUTE));
    }
    Map<Status.Code, Integer> answers = new HashMap<>();
    for (int i = 0; i < 2000 - Dispatcher.DEFAULT_MAX_CONCURRENT_HANDLERS; i++) {
      Response response = connection.next().getResponse();
      answers.merge(Status.fromCodeValue(response.getError().getCode()).getCode(), 1, Integer::sum);
    }

    assertThat(answers).containsOnlyKeys(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(handlerThreads("flooded")).isLessThanOrEqualTo(Dispatcher.DEFAULT_MAX_CONCURRENT_HANDLERS);
  }

  @Test
  void requestsBeyondTheQueuedBytesBoundAreRefusedAtOnce() throws Exception {
    controller = new ScriptedController();
    ScriptedController.Connection connection =
        connect(
            StreamClient.newBuilder(controller.channel(), "big", sleepers())
                .maxQueuedRequestBytes(4 * 1024 * 1024));
    Any oneMebibyte = Any.pack(BytesValue.of(ByteString.copyFrom(new byte[1024 * 1024])));

    for (long id = 0; id < 8; id++) {
      connection.send(request(id, oneMebibyte, MINUTE));
    }

    int refused = 0;
    for (int i = 0; i < 5; i++) {
      Response response = connection.next().getResponse();
      assertThat(response.getError().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
      assertThat(response.getError().getMessage()).contains("bytes of unanswered requests");
      refused++;
    }
    assertThat(refused).isEqualTo(5); // 3 of 1 MiB (plus envelope) fit in 4 MiB, 5 do not
  }

  @Test
  void aRequestWithAnAbsurdTimeoutIsInvalidArgument() throws Exception {
    controller = new ScriptedController();
    ScriptedController.Connection connection =
        connect(StreamClient.newBuilder(controller.channel(), "a", sleepers()));

    connection.send(
        request(
            1,
            Any.pack(Int64Value.of(1)),
            com.google.protobuf.Duration.newBuilder().setSeconds(Duration.ofDays(3650).toSeconds()).build()));

    Response response = connection.next().getResponse();
    assertThat(response.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getError().getMessage()).contains("timeout over 24 hours");
  }

  private static ServerToClient request(long id, Any payload, com.google.protobuf.Duration timeout) {
    return ServerToClient.newBuilder()
        .setRequest(Request.newBuilder().setId(id).setTimeout(timeout).setPayload(payload))
        .build();
  }

  private static long handlerThreads(String agent) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("agentrpc-handler-" + agent + "-"))
        .count();
  }
}
