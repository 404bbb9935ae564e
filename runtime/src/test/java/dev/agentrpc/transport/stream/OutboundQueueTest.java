package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.grpc.stub.CallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
  /** A stream whose readiness the test sets, recording what is written. */
  private static final class Stream extends CallStreamObserver<StringValue> {
    final List<StringValue> written = new ArrayList<>();
    boolean ready;
    Throwable error;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void onNext(StringValue value) {
      if (!ready) {
        throw new AssertionError("wrote while not ready: " + value);
      }
      written.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
  }

  @Test
  void writesAtOnceWhileTheStreamIsReady() {
    Stream stream = new Stream();
    stream.ready = true;
    OutboundQueue<StringValue> queue = queue(stream, 1 << 20);

    queue.send(msg("a"));
    queue.send(msg("b"));

    assertThat(stream.written).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void queuesWhileNotReadyAndDrainsInOrderOnReady() {
    Stream stream = new Stream();
    OutboundQueue<StringValue> queue = queue(stream, 1 << 20);

    queue.send(msg("a"));
    queue.send(msg("b"));
    assertThat(stream.written).isEmpty();
    stream.ready = true;
    queue.send(msg("c")); // must not overtake what is queued
    queue.drain();

    assertThat(stream.written).containsExactly(msg("a"), msg("b"), msg("c"));
  }

  @Test
  void drainStopsWhenTheStreamIsNoLongerReady() {
    Stream stream = new Stream();
    OutboundQueue<StringValue> queue = queue(stream, 1 << 20);
    queue.send(msg("a"));
    queue.send(msg("b"));

    stream.ready = true;
    queue.drain();
    stream.ready = false;
    queue.send(msg("c"));

    assertThat(stream.written).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void closeDropsWhatIsQueuedRunsTheTerminalOnceAndIgnoresLaterSends() {
    Stream stream = new Stream();
    OutboundQueue<StringValue> queue = queue(stream, 1 << 20);
    queue.send(msg("a"));

    assertThat(queue.close(s -> s.onError(new RuntimeException("bye")))).isTrue();
    assertThat(queue.close(s -> s.onError(new RuntimeException("again")))).isFalse();
    stream.ready = true;
    queue.send(msg("b"));
    queue.drain();

    assertThat(stream.written).isEmpty();
    assertThat(stream.error).hasMessage("bye");
  }

  @Test
  void refusesWhatWouldPassTheByteCapWhileSomethingWaits() {
    Stream stream = new Stream();
    OutboundQueue<StringValue> queue = queue(stream, 10);

    assertThat(queue.send(msg("0123456789abc"))).isTrue(); // one message always fits
    assertThat(queue.send(msg("d"))).isFalse();
    stream.ready = true;
    queue.drain();
    stream.ready = false;
    assertThat(queue.send(msg("e"))).isTrue();

    assertThat(stream.written).containsExactly(msg("0123456789abc"));
  }

  private static OutboundQueue<StringValue> queue(Stream stream, long maxBytes) {
    OutboundQueue<StringValue> queue = new OutboundQueue<>(maxBytes);
    queue.attach(stream);
    return queue;
  }

  private static StringValue msg(String text) {
    return StringValue.of(text);
  }
}
