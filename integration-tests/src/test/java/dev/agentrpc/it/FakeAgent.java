package dev.agentrpc.it;

import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.it.v1.LengthReply;
import dev.agentrpc.it.v1.LengthRequest;
import dev.agentrpc.it.v1.SumReply;
import dev.agentrpc.it.v1.SumRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TestAgent} that counts the echo requests it ran, and records the io.grpc.Context
 * of each hang call (its deadline, and why it was cancelled), for the transport tests.
 */
final class FakeAgent implements AgentFunctions {
  private final String name;
  private final TestAgent agent;
  private final AtomicInteger echoes = new AtomicInteger();
  private final BlockingQueue<Optional<Deadline>> hangDeadlines = new LinkedBlockingQueue<>();
  private final BlockingQueue<Status> hangCancellations = new LinkedBlockingQueue<>();

  FakeAgent(String name) {
    this.name = name;
    this.agent = new TestAgent(name);
  }

  @Override
  public EchoReply echo(EchoRequest request) throws StatusException {
    echoes.incrementAndGet();
    return agent.echo(request);
  }

  @Override
  public CompletableFuture<SumReply> sum(SumRequest request) {
    return agent.sum(request);
  }

  @Override
  public CompletionStage<LengthReply> length(LengthRequest request) {
    return agent.length(request);
  }

  @Override
  public CompletableFuture<HangReply> hang(HangRequest request) {
    Context context = Context.current();
    hangDeadlines.add(Optional.ofNullable(context.getDeadline()));
    context.addListener(cancelled -> hangCancellations.add(Contexts.statusFromCancelled(cancelled)), Runnable::run);
    return agent.hang(request);
  }

  /** How many echo requests the handler ran. */
  int echoes() {
    return echoes.get();
  }

  /** The next hang call's stage, once its handler ran; fails the test after 10 s. */
  CompletableFuture<HangReply> nextHang() throws InterruptedException {
    return await(agent.hanging(), "no hang call reached agent '" + name + "'");
  }

  /** The deadline the next hang call's Context carried (empty if none); fails the test after 10 s. */
  Optional<Deadline> nextHangDeadline() throws InterruptedException {
    return await(hangDeadlines, "no hang call reached agent '" + name + "'");
  }

  /** Why the next hang call's Context was cancelled; fails the test after 10 s. */
  Status nextHangCancellation() throws InterruptedException {
    return await(hangCancellations, "no hang call's Context was cancelled on agent '" + name + "'");
  }

  private static <T> T await(BlockingQueue<T> queue, String failure) throws InterruptedException {
    T next = queue.poll(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      throw new AssertionError(failure + " within " + Controller.WAIT);
    }
    return next;
  }
}
