package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.CallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
  /** A stream whose readiness the test sets, recording what is written. */
  private static final class Stream extends CallStreamObserver<String> {
    final List<String> written = new ArrayList<>();
    boolean ready;
    Throwable error;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void onNext(String value) {
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
    OutboundQueue<String> queue = new OutboundQueue<>(stream);

    queue.send("a");
    queue.send("b");

    assertThat(stream.written).containsExactly("a", "b");
  }

  @Test
  void queuesWhileNotReadyAndDrainsInOrderOnReady() {
    Stream stream = new Stream();
    OutboundQueue<String> queue = new OutboundQueue<>(stream);

    queue.send("a");
    queue.send("b");
    assertThat(stream.written).isEmpty();
    stream.ready = true;
    queue.send("c"); // must not overtake what is queued
    queue.drain();

    assertThat(stream.written).containsExactly("a", "b", "c");
  }

  @Test
  void drainStopsWhenTheStreamIsNoLongerReady() {
    Stream stream = new Stream();
    OutboundQueue<String> queue = new OutboundQueue<>(stream);
    queue.send("a");
    queue.send("b");

    stream.ready = true;
    queue.drain();
    stream.ready = false;
    queue.send("c");

    assertThat(stream.written).containsExactly("a", "b");
  }

  @Test
  void closeDropsWhatIsQueuedRunsTheTerminalOnceAndIgnoresLaterSends() {
    Stream stream = new Stream();
    OutboundQueue<String> queue = new OutboundQueue<>(stream);
    queue.send("a");

    assertThat(queue.close(s -> s.onError(new RuntimeException("bye")))).isTrue();
    assertThat(queue.close(s -> s.onError(new RuntimeException("again")))).isFalse();
    stream.ready = true;
    queue.send("b");
    queue.drain();

    assertThat(stream.written).isEmpty();
    assertThat(stream.error).hasMessage("bye");
  }
}
