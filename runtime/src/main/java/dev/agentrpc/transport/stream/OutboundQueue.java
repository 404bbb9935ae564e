package dev.agentrpc.transport.stream;

import io.grpc.stub.CallStreamObserver;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The outbound half of one stream, shared by many threads: writes at once while the stream
 * is ready and queues otherwise, draining on onReady. Its bound is the caller's: the
 * protocol never has more messages outstanding than calls in flight.
 */
final class OutboundQueue<T> {
  private final CallStreamObserver<T> stream;
  private final ArrayDeque<T> queued = new ArrayDeque<>();
  private volatile boolean closed; // written under the lock; read without it

  OutboundQueue(CallStreamObserver<T> stream) {
    this.stream = stream;
  }

  synchronized void send(T message) {
    if (closed) {
      return;
    }
    if (queued.isEmpty() && stream.isReady()) {
      stream.onNext(message);
    } else {
      queued.add(message);
    }
  }

  /** The stream's onReady handler. */
  synchronized void drain() {
    while (!closed && !queued.isEmpty() && stream.isReady()) {
      stream.onNext(queued.poll());
    }
  }

  /** Lock-free: the inbound path checks it for every message. */
  boolean isClosed() {
    return closed;
  }

  /**
   * Closes once: drops what is queued and ends the stream with {@code terminal}.
   *
   * @return whether this call closed it; false if it already was
   */
  synchronized boolean close(Consumer<CallStreamObserver<T>> terminal) {
    if (closed) {
      return false;
    }
    closed = true;
    queued.clear();
    if (terminal != null) {
      terminal.accept(stream);
    }
    return true;
  }
}
