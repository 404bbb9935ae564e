package dev.agentrpc.transport.stream;

import com.google.protobuf.MessageLite;
import io.grpc.stub.CallStreamObserver;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The agent's outbound half of one stream, shared by the handler threads: writes at once
 * while the stream is ready and queues otherwise, draining on onReady. At most {@code
 * maxBytes} of messages wait; beyond that a message is refused (a controller that stops
 * reading loses responses, and its calls time out, instead of the agent running out of
 * memory). The lock guards only the queue and the stream's writes: no user code runs
 * under it.
 */
final class OutboundQueue<T extends MessageLite> {
  private final long maxBytes;
  private final ArrayDeque<T> queued = new ArrayDeque<>();
  private CallStreamObserver<T> stream; // set once, before the first send
  private long queuedBytes;
  private volatile boolean closed; // written under the lock; read without it

  OutboundQueue(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized void attach(CallStreamObserver<T> stream) {
    this.stream = stream;
  }

  /** Sends or queues {@code message}; false if it was refused for lack of room. */
  synchronized boolean send(T message) {
    if (closed) {
      return true;
    }
    if (queued.isEmpty() && stream.isReady()) {
      stream.onNext(message);
      return true;
    }
    int size = message.getSerializedSize();
    if (queuedBytes + size > maxBytes && !queued.isEmpty()) {
      return false;
    }
    queued.add(message);
    queuedBytes += size;
    return true;
  }

  /** The stream's onReady handler. */
  synchronized void drain() {
    while (!closed && !queued.isEmpty() && stream.isReady()) {
      T next = queued.poll();
      queuedBytes -= next.getSerializedSize();
      stream.onNext(next);
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
    queuedBytes = 0;
    if (terminal != null && stream != null) {
      terminal.accept(stream);
    }
    return true;
  }
}
