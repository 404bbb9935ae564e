package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One plain grpc-java channel of the reconnect-storm anchor ({@link ChannelFleet}), kept
 * connected on the agents' schedule, with one unary echo each time it becomes READY.
 *
 * <p>A channel whose connection is lost goes IDLE and stays there until asked to connect, and
 * after a failed attempt it waits out its own backoff (1 s, growing 1.6 times to 2 min), which
 * has no public setter. So this class redials as an agent does ({@code StreamClient}): when
 * the connection is lost, after a delay from 100 ms (±20% jitter) growing 1.6 times to 2 s by
 * default, it asks the channel to connect ({@code getState(true)}), or if the last attempt
 * failed, to try again now ({@code resetConnectBackoff()}); and it stops waiting as soon as
 * the channel is READY again. The delay starts over once connected.
 *
 * <p>Counts, for the round {@link #arm}ed last, whether this channel lost its connection and
 * got it back, and whether an echo after that came back OK. A call that fails with
 * UNAVAILABLE (a connection that went away under it) is made again, up to three times;
 * any other failure is fatal.
 */
final class KeptChannel {
  /** What this channel tells its fleet. */
  interface Events {
    /** A redial: the idle channel was asked to connect, or to retry a failed attempt now. */
    void dialed();

    /** The channel left READY. */
    void lost();

    /** Connected again after losing the connection, once per round. */
    void reconnected();

    /** An echo came back OK after the connection was lost, once per round. */
    void callable();

    /** A call failed for good. */
    void failed(String why);
  }

  private static final double MULTIPLIER = 1.6;
  private static final double JITTER = 0.2;
  private static final int ATTEMPTS = 3;

  private final ManagedChannel channel;
  private final UnaryEchoGrpc.UnaryEchoStub stub;
  private final EchoRequest request;
  private final ScheduledExecutorService timer;
  private final Events events;
  private final long initialNanos;
  private final long maxNanos;

  private long nextNanos;
  private ScheduledFuture<?> redial;
  /** Lost the connection in this round (a new channel counts as lost: its first READY counts). */
  private boolean lost = true;
  private boolean reconnected;
  private boolean callable;
  private boolean shutDown;

  KeptChannel(
      ManagedChannel channel,
      EchoRequest request,
      ScheduledExecutorService timer,
      long initialNanos,
      long maxNanos,
      Events events) {
    this.channel = channel;
    this.stub = UnaryEchoGrpc.newStub(channel).withWaitForReady();
    this.request = request;
    this.timer = timer;
    this.events = events;
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.nextNanos = initialNanos;
  }

  /** Connects, and keeps watching the channel's state. */
  void start() {
    watch(channel.getState(true));
  }

  /** Starts a new round: what counts from now on is a connection lost and got back. */
  synchronized void arm() {
    lost = false;
    reconnected = false;
    callable = false;
  }

  /** Stops redialing (the channel itself is shut down by its owner). */
  synchronized void stop() {
    shutDown = true;
    if (redial != null) {
      redial.cancel(false);
    }
  }

  private void watch(ConnectivityState seen) {
    channel.notifyWhenStateChanged(seen, this::onStateChange);
  }

  private void onStateChange() {
    ConnectivityState now = channel.getState(false);
    if (now == ConnectivityState.SHUTDOWN) {
      return;
    }
    boolean call = false;
    synchronized (this) {
      if (shutDown) {
        return;
      }
      if (now == ConnectivityState.READY) {
        nextNanos = initialNanos;
        if (redial != null) {
          redial.cancel(false);
          redial = null;
        }
        if (lost && !reconnected) {
          reconnected = true;
          call = true;
        }
      } else if (redial == null && now != ConnectivityState.CONNECTING) {
        // IDLE after a lost connection, or TRANSIENT_FAILURE after a failed attempt.
        if (!lost) {
          lost = true;
          events.lost();
        }
        scheduleRedial();
      }
    }
    watch(now);
    if (call) {
      events.reconnected(); // outside this lock: the fleet's lock is taken before it on arm()
      call(ATTEMPTS);
    }
  }

  private void scheduleRedial() {
    long current = nextNanos;
    nextNanos = (long) Math.min(current * MULTIPLIER, maxNanos);
    double jitter = ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
    redial = timer.schedule(this::redial, Math.max(1, (long) (current * (1 + jitter))), TimeUnit.NANOSECONDS);
  }

  private void redial() {
    synchronized (this) {
      if (shutDown) {
        return;
      }
      redial = null;
    }
    ConnectivityState now = channel.getState(false);
    if (now == ConnectivityState.READY || now == ConnectivityState.SHUTDOWN) {
      return;
    }
    if (now == ConnectivityState.TRANSIENT_FAILURE) {
      events.dialed();
      channel.resetConnectBackoff();
    } else if (now == ConnectivityState.IDLE) {
      events.dialed();
      channel.getState(true);
    } // CONNECTING: an attempt is under way; look again after the next delay
    synchronized (this) {
      if (!shutDown && redial == null) {
        scheduleRedial(); // cancelled when the channel is READY
      }
    }
  }

  private void call(int attemptsLeft) {
    stub.withDeadlineAfter(60, TimeUnit.SECONDS)
        .echo(
            request,
            new StreamObserver<>() {
              private EchoResponse response;

              @Override
              public void onNext(EchoResponse value) {
                response = value;
              }

              @Override
              public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNAVAILABLE && attemptsLeft > 1) {
                  call(attemptsLeft - 1);
                } else if (!isShutDown()) {
                  events.failed("echo failed: " + status);
                }
              }

              @Override
              public void onCompleted() {
                if (response == null || response.getPayload().size() != request.getPayload().size()) {
                  events.failed("echo came back with " + (response == null ? "no answer" : response.getPayload().size() + " bytes"));
                  return;
                }
                boolean first;
                synchronized (KeptChannel.this) {
                  first = !callable;
                  callable = true;
                }
                if (first) {
                  events.callable();
                }
              }
            });
  }

  private synchronized boolean isShutDown() {
    return shutDown;
  }
}
