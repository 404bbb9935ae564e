package dev.agentrpc.benchmarks;

import com.google.protobuf.ByteString;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import java.time.Duration;
import java.util.SplittableRandom;

/** The one message every contender echoes, and the echo itself (no payload copy). */
public final class Echo {
  /** Timeout of every benchmark call: generous, a benchmark never waits for it. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Echo() {}

  /**
   * A request whose encoded size is about {@code size} bytes (the payload's random bytes
   * plus a 3-byte field header).
   */
  public static EchoRequest request(int size) {
    byte[] bytes = new byte[Math.max(0, size - 3)];
    new SplittableRandom(size).nextBytes(bytes);
    return EchoRequest.newBuilder().setPayload(ByteString.copyFrom(bytes)).build();
  }

  public static EchoResponse reply(EchoRequest request) {
    return EchoResponse.newBuilder().setPayload(request.getPayload()).build();
  }

  static void check(EchoRequest request, EchoResponse response) {
    if (response.getPayload().size() != request.getPayload().size()) {
      throw new IllegalStateException(
          "echo of " + request.getPayload().size() + " bytes came back with " + response.getPayload().size());
    }
  }
}
