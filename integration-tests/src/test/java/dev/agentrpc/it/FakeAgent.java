package dev.agentrpc.it;

import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.it.v1.LengthReply;
import dev.agentrpc.it.v1.LengthRequest;
import dev.agentrpc.it.v1.SumReply;
import dev.agentrpc.it.v1.SumRequest;
import io.grpc.StatusException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link TestAgent} that counts the echo requests it ran, for the transport tests. */
final class FakeAgent implements AgentFunctions {
  private final String name;
  private final TestAgent agent;
  private final AtomicInteger echoes = new AtomicInteger();

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
    return agent.hang(request);
  }

  /** How many echo requests the handler ran. */
  int echoes() {
    return echoes.get();
  }

  /** The next hang call's stage, once its handler ran; fails the test after 10 s. */
  CompletableFuture<HangReply> nextHang() throws InterruptedException {
    CompletableFuture<HangReply> next = agent.hanging().poll(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      throw new AssertionError("no hang call reached agent '" + name + "' within " + Controller.WAIT);
    }
    return next;
  }
}
