package dev.agentrpc.cluster.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import dev.agentrpc.cluster.proto.v1.ForwardResponse;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.cluster.proto.v1.RelayReply;
import dev.agentrpc.cluster.proto.v1.RelayRequest;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.Context;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forwarding side of the Relay stream, against a scripted peer over Netty on 127.0.0.1. */
@Timeout(60)
class PeerChannelsTest {
  private final ScriptedPeer peer = new ScriptedPeer();
  private Server server;
  private PeerChannels channels;
  private String address;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(peer).build().start();
    address = "127.0.0.1:" + server.getPort();
    channels = new PeerChannels(InsecureChannelCredentials.create(), UnaryOperator.identity());
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void callsShareOneStreamAndRepliesFindTheirCalls() throws Exception {
    Outcome first = forward("a", Duration.ofSeconds(10));
    Outcome second = forward("b", Duration.ofSeconds(10));
    RelayRequest a = peer.requests.poll(10, TimeUnit.SECONDS);
    RelayRequest b = peer.requests.poll(10, TimeUnit.SECONDS);

    assertThat(peer.streams).hasSize(1);
    assertThat(a.getCall().getClient()).isEqualTo("a");
    assertThat(b.getCall().getClient()).isEqualTo("b");
    assertThat(a.getCall().getTimeoutMicros()).isBetween(1_000_000L, 10_000_000L);
    peer.reply(b.getId(), ByteString.copyFromUtf8("to b"));
    peer.reply(a.getId(), ByteString.copyFromUtf8("to a"));

    assertThat(second.reply.get(10, TimeUnit.SECONDS).toStringUtf8()).isEqualTo("to b");
    assertThat(first.reply.get(10, TimeUnit.SECONDS).toStringUtf8()).isEqualTo("to a");
  }

  @Test
  void aSilentPeerStillEndsTheCallAtItsDeadline() throws Exception {
    long start = System.nanoTime();
    Outcome call = forward("silent", Duration.ofMillis(300));

    assertThat(call.failure.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
  }

  @Test
  void theCallersContextDeadlineShortensTheTimeout() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Context.CancellableContext caller = Context.current().withDeadlineAfter(300, TimeUnit.MILLISECONDS, timer);
    try {
      Outcome call = caller.call(() -> forward("x", Duration.ofSeconds(30)));

      assertThat(peer.requests.poll(10, TimeUnit.SECONDS).getCall().getTimeoutMicros()).isLessThanOrEqualTo(300_000L);
      assertThat(call.failure.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    } finally {
      caller.cancel(null);
      timer.shutdownNow();
    }
  }

  @Test
  void aRequestTooLargeToRelayFailsAloneAndTheStreamGoesOn() throws Exception {
    Outcome tooLarge = new Outcome();
    channels.forward("r2", address, "x", Any.pack(StringValue.of("x".repeat(4 * 1024 * 1024))), Map.of(),
        Duration.ofSeconds(10).toNanos(), tooLarge);

    Status status = tooLarge.failure.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("client 'x'", "bytes");
    Outcome next = forward("y", Duration.ofSeconds(10));
    RelayRequest sent = peer.requests.poll(10, TimeUnit.SECONDS);
    assertThat(sent.getCall().getClient()).isEqualTo("y");
    peer.reply(sent.getId(), ByteString.copyFromUtf8("fine"));
    assertThat(next.reply.get(10, TimeUnit.SECONDS).toStringUtf8()).isEqualTo("fine");
  }

  @Test
  void cancellingSendsTheCancellationForThatCall() throws Exception {
    Outcome call = forward("x", Duration.ofSeconds(10));
    RelayRequest started = peer.requests.poll(10, TimeUnit.SECONDS);

    call.remote.cancel(Status.CANCELLED.withDescription("the caller gave up"));

    RelayRequest cancel = peer.requests.poll(10, TimeUnit.SECONDS);
    assertThat(cancel.getId()).isEqualTo(started.getId());
    assertThat(cancel.getCancel()).isEqualTo("the caller gave up");
    assertThat(call.failure.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aStreamThePeerEndsFailsItsCallsAndTheNextCallOpensANewOne() throws Exception {
    Outcome lost = forward("x", Duration.ofSeconds(10));
    peer.requests.poll(10, TimeUnit.SECONDS);

    peer.streams.peek().onError(Status.UNAVAILABLE.withDescription("going away").asRuntimeException());

    Status status = lost.failure.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("replica r2 at " + address, "client 'x'", "going away");
    Outcome next = forward("y", Duration.ofSeconds(10));
    RelayRequest again = peer.requests.poll(10, TimeUnit.SECONDS);
    assertThat(peer.streams).hasSize(2);
    peer.reply(again.getId(), ByteString.copyFromUtf8("fine"));
    assertThat(next.reply.get(10, TimeUnit.SECONDS).toStringUtf8()).isEqualTo("fine");
  }

  @Test
  void aPeerThatStopsFailsTheCallsInFlightUnavailable() throws Exception {
    Outcome call = forward("x", Duration.ofSeconds(30));
    peer.requests.poll(10, TimeUnit.SECONDS);

    server.shutdownNow();

    assertThat(call.failure.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private Outcome forward(String client, Duration timeout) {
    Outcome outcome = new Outcome();
    outcome.remote =
        channels.forward("r2", address, client, Any.pack(StringValue.of("hi")), Map.of(), timeout.toNanos(), outcome);
    return outcome;
  }

  /** What one forwarded call's listener heard. */
  private static final class Outcome implements RemoteCall.Listener {
    final CompletableFuture<ByteString> reply = new CompletableFuture<>();
    final CompletableFuture<Status> failure = new CompletableFuture<>();
    volatile RemoteCall remote;

    @Override
    public void onReply(ByteString bytes) {
      reply.complete(bytes);
    }

    @Override
    public void onFailure(Status status, Metadata trailers) {
      failure.complete(status);
    }
  }

  /** A peer service that records what it is sent and answers only when told. */
  private static final class ScriptedPeer extends PeerGrpc.PeerImplBase {
    final BlockingQueue<RelayRequest> requests = new LinkedBlockingQueue<>();
    final BlockingDeque<StreamObserver<RelayReply>> streams = new LinkedBlockingDeque<>();

    @Override
    public StreamObserver<RelayRequest> relay(StreamObserver<RelayReply> replies) {
      streams.add(replies);
      return new StreamObserver<>() {
        @Override
        public void onNext(RelayRequest request) {
          requests.add(request);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }

    void reply(long id, ByteString bytes) {
      StreamObserver<RelayReply> stream = streams.peekLast();
      synchronized (stream) {
        stream.onNext(RelayReply.newBuilder().setId(id).setResponse(ForwardResponse.newBuilder().setReply(bytes)).build());
      }
    }
  }
}
