package dev.agentrpc.transport.poll;

import dev.agentrpc.client.Dispatcher;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of one poll session, without I/O: its token, its dispatcher, the
 * responses not yet acknowledged and the commands applied. Commands are applied once each,
 * in order, however often they arrive; responses are sent in every poll until acknowledged.
 * Not thread-safe: its {@link PollClient}'s serializer only.
 */
final class AgentSession {
  private static final Logger logger = LoggerFactory.getLogger(AgentSession.class);

  private final String name;
  private final Map<String, String> labels;
  private final Dispatcher dispatcher;
  private final long maxBufferedBytes;
  private final long maxPollBytes;
  private final ArrayDeque<Response> unacked = new ArrayDeque<>();
  private final List<CompletableFuture<PollResponse>> outstanding = new ArrayList<>();
  private String token; // null until the first answer
  private long firstUnackedSeq = 1;
  private long bufferedBytes;
  private long sentUpTo;
  private long commandsApplied;
  private boolean warnedFull;

  AgentSession(
      String name,
      Map<String, String> labels,
      Function<AgentSession, Dispatcher> dispatchers,
      long maxBufferedBytes,
      long maxPollBytes) {
    this.name = name;
    this.labels = labels;
    this.dispatcher = dispatchers.apply(this);
    this.maxBufferedBytes = maxBufferedBytes;
    this.maxPollBytes = maxPollBytes;
  }

  /** Whether the server answered once: the session is joined and has its token. */
  boolean joined() {
    return token != null;
  }

  /** Polls sent and not yet answered. */
  int outstanding() {
    return outstanding.size();
  }

  void sent(CompletableFuture<PollResponse> poll) {
    outstanding.add(poll);
  }

  void done(CompletableFuture<PollResponse> poll) {
    outstanding.remove(poll);
  }

  /** Whether a response is ready that no poll in flight carries. */
  boolean hasUnsent() {
    return firstUnackedSeq + unacked.size() - 1 > sentUpTo;
  }

  /** Keeps a handler's response until the server acknowledges it; drops it when full. */
  void add(Response response) {
    int size = response.getSerializedSize();
    if (bufferedBytes + size > maxBufferedBytes && !unacked.isEmpty()) {
      if (!warnedFull) {
        warnedFull = true;
        logger.warn(
            "client '{}': the server is not taking this session's responses; dropping response {}"
                + " (and others while it stays full): its call will time out on the server",
            name,
            response.getId());
      }
      return;
    }
    unacked.add(response);
    bufferedBytes += size;
  }

  /** The next poll: Hello or the token, the acknowledgement, and the unacknowledged responses. */
  PollRequest nextPoll(long maxWaitNanos) {
    PollRequest.Builder poll = PollRequest.newBuilder().setCommandsAck(commandsApplied);
    if (token == null) {
      poll.setHello(ClientToServer.Hello.newBuilder().setName(name).putAllLabels(labels).setNextId(0));
    } else {
      poll.setSession(token);
    }
    if (maxWaitNanos > 0) {
      poll.setMaxWait(Durations.fromNanos(maxWaitNanos));
    }
    long bytes = 0;
    for (Response response : unacked) {
      bytes += response.getSerializedSize();
      if (bytes > maxPollBytes && poll.getResponsesCount() > 0) {
        break; // the rest go once these are acknowledged
      }
      poll.addResponses(response);
    }
    poll.setFirstResponseSeq(firstUnackedSeq);
    sentUpTo = Math.max(sentUpTo, firstUnackedSeq + poll.getResponsesCount() - 1);
    return poll.build();
  }

  /** Applies one answer: its token, its acknowledgement, and the commands not applied yet. */
  void accept(PollResponse answer) {
    token = answer.getSession();
    while (!unacked.isEmpty() && firstUnackedSeq <= answer.getResponsesAck()) {
      bufferedBytes -= unacked.poll().getSerializedSize();
      firstUnackedSeq++;
    }
    if (unacked.isEmpty()) {
      warnedFull = false;
    }
    long seq = answer.getFirstCommandSeq();
    for (ServerToClient command : answer.getCommandsList()) {
      if (seq == commandsApplied + 1) {
        commandsApplied = seq;
        dispatcher.onCommand(command);
      }
      seq++;
    }
  }

  /** The poll that tells the server this session ends; null if it never joined. */
  PollRequest leave() {
    return token == null
        ? null
        : PollRequest.newBuilder().setSession(token).setCommandsAck(commandsApplied).setLeave(true).build();
  }

  /** Ends the session here: cancels its handlers and the polls in flight. */
  void close() {
    dispatcher.close();
    for (CompletableFuture<PollResponse> poll : List.copyOf(outstanding)) {
      poll.cancel(false);
    }
    outstanding.clear();
  }
}
