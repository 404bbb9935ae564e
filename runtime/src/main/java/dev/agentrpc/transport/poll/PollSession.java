package dev.agentrpc.transport.poll;

import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.ClientSink;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's end of one poll session: the commands written and not yet acknowledged,
 * the poll held for the next command, and the liveness timer. Every state change runs on
 * this session's {@link SynchronizationContext}.
 *
 * <p>Commands are taken from the client's command queue (which bounds them, in bytes, as
 * for a stream) only while a poll is present, so a request's timeout on the wire is what
 * remains when it is handed to a poll. Written commands stay until acknowledged, at most
 * {@code maxAnswerBytes} of them (one command always fits), and every answer carries them
 * again: a lost answer loses nothing.
 */
final class PollSession implements ClientSink {
  private static final Logger logger = LoggerFactory.getLogger(PollSession.class);

  private final PollSessions owner;
  private final String token;
  private final String name;
  private final String identity;
  private final SynchronizationContext serializer =
      new SynchronizationContext((thread, e) -> logger.error("a poll session's task threw", e));
  private volatile ClientSession session;
  private volatile boolean closed;
  // serializer only:
  private final ArrayDeque<ServerToClient> unacked = new ArrayDeque<>();
  private long firstUnackedSeq = 1;
  private long unackedBytes;
  private long responsesApplied;
  private Poll held;
  private boolean flushScheduled;
  private Status closedWith;
  private SynchronizationContext.ScheduledHandle livenessTimer;

  PollSession(PollSessions owner, String token, String name, String identity) {
    this.owner = owner;
    this.token = token;
    this.name = name;
    this.identity = identity;
  }

  String name() {
    return name;
  }

  String identity() {
    return identity;
  }

  /** Joined: the session the client's calls go through. Called once, before any poll. */
  void joined(ClientSession joined) {
    this.session = joined;
  }

  /** Takes one poll; returns what the binding calls if its peer goes away first. */
  PollSessions.Pending onPoll(PollRequest request, PollExchange exchange) {
    Poll poll = new Poll(request, exchange);
    serializer.execute(() -> receive(poll));
    return () -> serializer.execute(() -> abandon(poll));
  }

  @Override
  public Executor serializer() {
    return serializer;
  }

  @Override
  public boolean isReady() {
    return !closed && held != null && unackedBytes < owner.maxAnswerBytes();
  }

  @Override
  public void write(ServerToClient command) {
    unacked.add(command);
    unackedBytes += command.getSerializedSize();
    if (held != null && !flushScheduled) {
      // After the drain that writes this: one answer carries every command it wrote.
      flushScheduled = true;
      serializer.execute(this::flush);
    }
  }

  @Override
  public void close(Status status) {
    if (closedWith != null) {
      return;
    }
    closed = true;
    closedWith = status;
    owner.remove(token, this);
    stopLivenessTimer();
    unacked.clear();
    unackedBytes = 0;
    Poll current = held;
    held = null;
    if (current != null) {
      current.fail(status);
    }
  }

  private void receive(Poll poll) {
    if (closed) {
      poll.fail(gone());
      return;
    }
    stopLivenessTimer();
    PollRequest request = poll.request;
    acknowledge(request.getCommandsAck());
    applyResponses(request);
    if (held != null) {
      answer(held); // a newer poll releases the held one
    }
    if (request.hasHello()) {
      // Only the token: commands go out once a poll shows the client has it.
      poll.exchange.answer(answerFor());
      startLivenessTimer();
      return;
    }
    if (request.getLeave()) {
      poll.exchange.answer(answerFor());
      end(Status.UNAVAILABLE.withDescription("the client closed its session"));
      return;
    }
    held = poll;
    session.onReady(); // drains the client's command queue into this poll, after this task
    serializer.execute(() -> settle(poll));
  }

  /** After the drain: answers at once, or holds the poll until a command or its wait ends. */
  private void settle(Poll poll) {
    if (held != poll) {
      return;
    }
    long waitNanos = Math.min(Durations.toNanos(poll.request.getMaxWait()), owner.maxWaitNanos());
    boolean mayHold = waitNanos > 0 && poll.request.getResponsesCount() == 0;
    if (!mayHold || !unacked.isEmpty()) {
      answer(poll);
      return;
    }
    poll.timer =
        serializer.schedule(
            () -> {
              if (held == poll) {
                answer(poll);
              }
            },
            waitNanos,
            TimeUnit.NANOSECONDS,
            SharedTimer.get());
  }

  private void flush() {
    flushScheduled = false;
    if (held != null) {
      answer(held);
    }
  }

  private void abandon(Poll poll) {
    if (held == poll) {
      held = null;
      poll.cancelTimer();
      startLivenessTimer();
    }
  }

  private void answer(Poll poll) {
    if (held == poll) {
      held = null;
    }
    poll.cancelTimer();
    poll.exchange.answer(answerFor());
    if (held == null && !closed) {
      startLivenessTimer();
    }
  }

  private PollResponse answerFor() {
    PollResponse.Builder answer =
        PollResponse.newBuilder()
            .setSession(token)
            .setFirstCommandSeq(firstUnackedSeq)
            .setResponsesAck(responsesApplied)
            .setLiveness(Durations.fromNanos(owner.livenessNanos()));
    long bytes = 0;
    for (Iterator<ServerToClient> it = unacked.iterator(); it.hasNext(); ) {
      ServerToClient command = it.next();
      bytes += command.getSerializedSize();
      if (bytes > owner.maxAnswerBytes() && answer.getCommandsCount() > 0) {
        break; // the rest goes once these are acknowledged
      }
      answer.addCommands(command);
    }
    return answer.build();
  }

  /** Forgets the commands the client says it received; more may then be drained. */
  private void acknowledge(long ack) {
    boolean freed = false;
    while (!unacked.isEmpty() && firstUnackedSeq <= ack) {
      unackedBytes -= unacked.poll().getSerializedSize();
      firstUnackedSeq++;
      freed = true;
    }
    if (freed && held != null) {
      session.onReady();
    }
  }

  /** Hands on the responses not applied yet, in order; repeated ones are ignored. */
  private void applyResponses(PollRequest request) {
    long seq = request.getFirstResponseSeq();
    for (Response response : request.getResponsesList()) {
      if (seq == responsesApplied + 1) {
        session.onResponse(response);
        responsesApplied = seq;
      }
      seq++;
    }
  }

  private void expire() {
    livenessTimer = null;
    if (closed || held != null) {
      return;
    }
    logger.info("client '{}' sent no poll within {} ms: its session expired", name, owner.livenessMillis());
    end(
        Status.UNAVAILABLE.withDescription(
            "no poll within " + owner.livenessMillis() + " ms: the session expired"));
  }

  /** This side ends the session: the client leaves and its pending calls fail at once. */
  private void end(Status status) {
    close(status);
    session.onDisconnect(status);
  }

  private Status gone() {
    Status status = closedWith;
    return status != null && status.getCode() == Status.Code.ABORTED
        ? status
        : PollSessions.unknownSession();
  }

  private void startLivenessTimer() {
    stopLivenessTimer();
    livenessTimer =
        serializer.schedule(this::expire, owner.livenessNanos(), TimeUnit.NANOSECONDS, SharedTimer.get());
  }

  private void stopLivenessTimer() {
    if (livenessTimer != null) {
      livenessTimer.cancel();
      livenessTimer = null;
    }
  }

  /** One poll waiting for its answer. Serializer only. */
  private static final class Poll {
    final PollRequest request;
    final PollExchange exchange;
    SynchronizationContext.ScheduledHandle timer;

    Poll(PollRequest request, PollExchange exchange) {
      this.request = request;
      this.exchange = exchange;
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }

    void fail(Status status) {
      cancelTimer();
      exchange.fail(status);
    }
  }
}
