package dev.agentrpc.it;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.transport.poll.PollTransport;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tap on the path between one agent and its controller, the same over every transport: it
 * records the commands the agent receives and the responses it sends as the wire carries them
 * (each once, however often a poll transport repeats it), can stall the agent's side of the
 * path (the agent reads nothing more: a stream's messages are not requested, polls are not
 * sent), and can give the agent's next response an id that no call has.
 */
final class WireTap implements Transport.Path {
  /** Added to the id of the response {@link #corruptNextResponse()} picks. */
  static final long BOGUS_ID_OFFSET = 1_000_000;

  private final List<ServerToClient> commands = new CopyOnWriteArrayList<>();
  private final List<Response> responses = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  // guarded by lock:
  private final List<Runnable> stalledActions = new ArrayList<>();
  private boolean stalled;
  private boolean corruptNext;
  private long corruptedId = -1;
  private String commandsSession = "";
  private long commandsSeen;
  private String responsesSession = "";
  private long responsesSeen;

  /** The commands the agent received so far, in order. */
  List<ServerToClient> commands() {
    return List.copyOf(commands);
  }

  /** The cancel_ids the agent received so far. */
  List<Long> cancelIds() {
    return commands.stream()
        .filter(c -> c.getCommandCase() == ServerToClient.CommandCase.CANCEL_ID)
        .map(ServerToClient::getCancelId)
        .toList();
  }

  /** The responses the agent sent so far, as the controller received them. */
  List<Response> responses() {
    return List.copyOf(responses);
  }

  /** From now on the agent reads nothing: what it would read waits for {@link #resume()}. */
  void stall() {
    synchronized (lock) {
      stalled = true;
    }
  }

  /** Lets the agent read again, what waited first. */
  void resume() {
    List<Runnable> waiting;
    synchronized (lock) {
      stalled = false;
      waiting = List.copyOf(stalledActions);
      stalledActions.clear();
    }
    waiting.forEach(Runnable::run);
  }

  /** The agent's next response reaches the controller with its id plus {@link #BOGUS_ID_OFFSET}. */
  void corruptNextResponse() {
    synchronized (lock) {
      corruptNext = true;
    }
  }

  @Override
  public PollTransport around(PollTransport real) {
    return (request, timeout, bearerToken) -> send(real, request, timeout, bearerToken);
  }

  @Override
  public ClientInterceptor onStream() {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        return method.getFullMethodName().equals(CoordinatorGrpc.getConnectMethod().getFullMethodName())
            ? new TappedStream<>(call)
            : call;
      }
    };
  }

  private CompletableFuture<PollResponse> send(
      PollTransport real, PollRequest request, Duration timeout, String bearerToken) {
    CompletableFuture<PollResponse> answer = new CompletableFuture<>();
    Runnable send =
        () -> {
          if (answer.isDone()) {
            return; // abandoned while it waited
          }
          CompletableFuture<PollResponse> sent = real.send(tapped(request), timeout, bearerToken);
          answer.whenComplete((r, f) -> sent.cancel(false));
          sent.whenComplete(
              (response, failure) -> {
                if (failure != null) {
                  answer.completeExceptionally(failure);
                } else {
                  received(response);
                  answer.complete(response);
                }
              });
        };
    if (!stalledOrRun(send)) {
      send.run();
    }
    return answer;
  }

  /** Holds {@code action} if stalled (true); else false, and the caller runs it. */
  private boolean stalledOrRun(Runnable action) {
    synchronized (lock) {
      if (stalled) {
        stalledActions.add(action);
      }
      return stalled;
    }
  }

  private PollRequest tapped(PollRequest request) {
    PollRequest.Builder poll = request.toBuilder().clearResponses();
    synchronized (lock) {
      if (!request.getSession().equals(responsesSession)) {
        responsesSession = request.getSession(); // a new session numbers from 1 again
        responsesSeen = 0;
      }
      long seq = request.getFirstResponseSeq();
      for (Response response : request.getResponsesList()) {
        Response sent = rewritten(response);
        poll.addResponses(sent);
        if (seq > responsesSeen) {
          responsesSeen = seq;
          responses.add(sent);
        }
        seq++;
      }
    }
    return poll.build();
  }

  private void received(PollResponse answer) {
    synchronized (lock) {
      if (!answer.getSession().equals(commandsSession)) {
        commandsSession = answer.getSession();
        commandsSeen = 0;
      }
      long seq = answer.getFirstCommandSeq();
      for (ServerToClient command : answer.getCommandsList()) {
        if (seq > commandsSeen) {
          commandsSeen = seq;
          commands.add(command);
        }
        seq++;
      }
    }
  }

  /** The response as it goes on: with a bogus id if it is the one to corrupt. */
  private Response rewritten(Response response) {
    synchronized (lock) {
      if (corruptNext && corruptedId < 0) {
        corruptNext = false;
        corruptedId = response.getId();
      }
      return response.getId() == corruptedId
          ? response.toBuilder().setId(response.getId() + BOGUS_ID_OFFSET).build()
          : response;
    }
  }

  /** One Connect stream through the tap. */
  private final class TappedStream<Q, A> extends SimpleForwardingClientCall<Q, A> {
    TappedStream(ClientCall<Q, A> call) {
      super(call);
    }

    @Override
    public void start(Listener<A> listener, Metadata headers) {
      super.start(
          new SimpleForwardingClientCallListener<A>(listener) {
            @Override
            public void onMessage(A message) {
              commands.add((ServerToClient) message);
              super.onMessage(message);
            }
          },
          headers);
    }

    @Override
    public void request(int count) {
      if (!stalledOrRun(() -> super.request(count))) {
        super.request(count);
      }
    }

    @Override
    public void sendMessage(Q message) {
      ClientToServer sent = (ClientToServer) message;
      if (sent.hasResponse()) {
        Response response = rewritten(sent.getResponse());
        responses.add(response);
        sent = sent.toBuilder().setResponse(response).build();
      }
      super.sendMessage(asRequest(sent));
    }

    @SuppressWarnings("unchecked") // Q is ClientToServer: only Connect streams are tapped
    private Q asRequest(ClientToServer message) {
      return (Q) message;
    }
  }
}
