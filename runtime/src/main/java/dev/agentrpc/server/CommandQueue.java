package dev.agentrpc.server;

import dev.agentrpc.proto.v1.ServerToClient;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The commands waiting for one client's connection to take them: requests (as their calls,
 * so a request is built only when written) and cancels.
 *
 * <p>Bounded by construction: requests count against a byte cap at admission; a request
 * whose call ended unwritten leaves the count at once and its entry is swept out once such
 * entries outnumber {@link #SWEEP_THRESHOLD}; a cancel is queued only for a request that
 * was written. Any thread may offer; only the connection's serializer polls and sweeps.
 */
final class CommandQueue {
  private static final int SWEEP_THRESHOLD = 1024;

  // Field updaters rather than atomic objects: a controller holds one queue per agent.
  private static final AtomicLongFieldUpdater<CommandQueue> QUEUED_BYTES =
      AtomicLongFieldUpdater.newUpdater(CommandQueue.class, "queuedBytes");
  private static final AtomicIntegerFieldUpdater<CommandQueue> DEAD_ENTRIES =
      AtomicIntegerFieldUpdater.newUpdater(CommandQueue.class, "deadEntries");
  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<CommandQueue, ConcurrentLinkedQueue> ENTRIES =
      AtomicReferenceFieldUpdater.newUpdater(CommandQueue.class, ConcurrentLinkedQueue.class, "entries");

  /** Made at the first offer, so an agent never called holds none; null until then. */
  private volatile ConcurrentLinkedQueue<Object> entries;
  private volatile long queuedBytes;
  private volatile int deadEntries;
  private final long maxBytes;

  CommandQueue(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Queues {@code call}'s request; false if that would pass the byte cap. */
  boolean offer(PendingCall<?> call) {
    int bytes = call.bytes();
    long queued;
    do {
      queued = queuedBytes;
      if (queued + bytes > maxBytes) {
        return false; // the count never passes the cap, not even for a moment
      }
    } while (!QUEUED_BYTES.compareAndSet(this, queued, queued + bytes));
    entries().add(call);
    return true;
  }

  void offerCancel(ServerToClient cancel) {
    entries().add(cancel);
  }

  /** {@code call} ended before it was written; true when the queue wants a sweep. */
  boolean dropped(PendingCall<?> call) {
    QUEUED_BYTES.addAndGet(this, -call.bytes());
    return DEAD_ENTRIES.incrementAndGet(this) == SWEEP_THRESHOLD;
  }

  /** The next command to write, or null when none waits. Serializer only. */
  ServerToClient poll(long nowNanos) {
    ConcurrentLinkedQueue<Object> entries = this.entries;
    if (entries == null) {
      return null;
    }
    Object entry;
    while ((entry = entries.poll()) != null) {
      if (entry instanceof ServerToClient) {
        return (ServerToClient) entry;
      }
      PendingCall<?> call = (PendingCall<?>) entry;
      ServerToClient request = call.takeRequest(nowNanos);
      if (request != null) {
        QUEUED_BYTES.addAndGet(this, -call.bytes());
        return request;
      }
      DEAD_ENTRIES.decrementAndGet(this);
    }
    return null;
  }

  /** Removes the entries of calls that ended unwritten. Serializer only. */
  void sweep() {
    ConcurrentLinkedQueue<Object> entries = this.entries;
    if (entries == null) {
      return;
    }
    entries.removeIf(
        entry -> {
          if (entry instanceof PendingCall && ((PendingCall<?>) entry).isDropped()) {
            DEAD_ENTRIES.decrementAndGet(this);
            return true;
          }
          return false;
        });
  }

  /** Drops everything; the connection is gone. */
  void clear() {
    ConcurrentLinkedQueue<Object> entries = this.entries;
    if (entries != null) {
      entries.clear();
    }
  }

  long queuedBytes() {
    return queuedBytes;
  }

  boolean isEmpty() {
    ConcurrentLinkedQueue<Object> entries = this.entries;
    return entries == null || entries.isEmpty();
  }

  private ConcurrentLinkedQueue<Object> entries() {
    ConcurrentLinkedQueue<Object> current = entries;
    if (current == null) {
      ConcurrentLinkedQueue<Object> made = new ConcurrentLinkedQueue<>();
      current = ENTRIES.compareAndSet(this, null, made) ? made : entries;
    }
    return current;
  }
}
