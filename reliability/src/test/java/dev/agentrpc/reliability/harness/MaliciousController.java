package dev.agentrpc.reliability.harness;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A hand-written controller that floods the first agent to say Hello with requests, as fast
 * as the stream's flow control lets it write (it never buffers without bound itself), and
 * counts the answers by status code.
 */
public final class MaliciousController extends CoordinatorGrpc.CoordinatorImplBase {
  private final CompletableFuture<Session> joined = new CompletableFuture<>();

  @Override
  public StreamObserver<ClientToServer> connect(StreamObserver<ServerToClient> responses) {
    return new Session((ServerCallStreamObserver<ServerToClient>) responses);
  }

  /** The first agent's stream, once it said Hello. */
  public Session awaitAgent(Duration timeout) throws Exception {
    return joined.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One agent's stream. */
  public final class Session implements StreamObserver<ClientToServer> {
    private final ServerCallStreamObserver<ServerToClient> out;
    private final ArrayDeque<ServerToClient> toSend = new ArrayDeque<>(); // guarded by this
    private long nextId; // guarded by this
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final Map<Status.Code, LongAdder> answers = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Response>> watched = new ConcurrentHashMap<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();

    Session(ServerCallStreamObserver<ServerToClient> out) {
      this.out = out;
      out.setOnReadyHandler(this::drain);
    }

    /** Queues {@code count} requests carrying {@code payload}, each with {@code timeout}. */
    public void send(int count, Message payload, Duration timeout) {
      enqueue(count, payload, timeout, null);
    }

    /** Sends one request and returns its response, when it comes. */
    public CompletableFuture<Response> call(Message payload, Duration timeout) {
      CompletableFuture<Response> response = new CompletableFuture<>();
      enqueue(1, payload, timeout, response);
      return response;
    }

    private void enqueue(int count, Message payload, Duration timeout, CompletableFuture<Response> waiter) {
      Any any = Any.pack(payload); // one payload shared by every request: cheap to queue
      com.google.protobuf.Duration wireTimeout =
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(timeout.getSeconds())
              .setNanos(timeout.getNano())
              .build();
      synchronized (this) {
        for (int i = 0; i < count; i++) {
          long id = nextId++;
          if (waiter != null) {
            watched.put(id, waiter);
          }
          toSend.add(
              ServerToClient.newBuilder()
                  .setRequest(Request.newBuilder().setId(id).setTimeout(wireTimeout).setPayload(any))
                  .build());
        }
      }
      drain();
    }

    /** Requests waiting to be written. */
    public long queued() {
      synchronized (this) {
        return toSend.size();
      }
    }

    public long sent() {
      return sent.sum();
    }

    public long answered() {
      return answered.sum();
    }

    public long answers(Status.Code code) {
      LongAdder count = answers.get(code);
      return count == null ? 0 : count.sum();
    }

    public Map<Status.Code, Long> answers() {
      Map<Status.Code, Long> out = new TreeMap<>();
      answers.forEach((code, count) -> out.put(code, count.sum()));
      return out;
    }

    /** Whether the agent's stream is still open. */
    public boolean isOpen() {
      return !ended.isDone();
    }

    private synchronized void drain() {
      while (out.isReady() && !toSend.isEmpty()) {
        out.onNext(toSend.poll());
        sent.increment();
      }
    }

    @Override
    public void onNext(ClientToServer message) {
      if (message.hasHello()) {
        joined.complete(this);
      } else if (message.hasResponse()) {
        Response response = message.getResponse();
        Status.Code code =
            response.hasError() ? Status.fromCodeValue(response.getError().getCode()).getCode() : Status.Code.OK;
        answers.computeIfAbsent(code, k -> new LongAdder()).increment();
        answered.increment();
        CompletableFuture<Response> waiter = watched.remove(response.getId());
        if (waiter != null) {
          waiter.complete(response);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
      out.onCompleted();
    }
  }
}
