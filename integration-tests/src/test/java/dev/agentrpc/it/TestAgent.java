package dev.agentrpc.it;

import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.it.v1.LengthReply;
import dev.agentrpc.it.v1.LengthRequest;
import dev.agentrpc.it.v1.SumReply;
import dev.agentrpc.it.v1.SumRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** An agent's implementation of {@link AgentFunctions}, as a user would write it. */
final class TestAgent implements AgentFunctions {
  private final String name;
  private final BlockingQueue<CompletableFuture<HangReply>> hanging = new LinkedBlockingQueue<>();

  TestAgent(String name) {
    this.name = name;
  }

  @Override
  public EchoReply echo(EchoRequest request) throws StatusException {
    if (request.getText().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("nothing to echo").asException();
    }
    return EchoReply.newBuilder().setText(name + ": " + request.getText()).build();
  }

  @Override
  public CompletableFuture<SumReply> sum(SumRequest request) {
    return CompletableFuture.supplyAsync(
        () ->
            SumReply.newBuilder()
                .setSum(request.getValuesList().stream().mapToLong(Long::longValue).sum())
                .setAgent(name)
                .build());
  }

  @Override
  public CompletionStage<LengthReply> length(LengthRequest request) {
    return CompletableFuture.completedStage(
        LengthReply.newBuilder().setLength(request.getText().length()).build());
  }

  @Override
  public CompletableFuture<HangReply> hang(HangRequest request) {
    CompletableFuture<HangReply> never = new CompletableFuture<>();
    hanging.add(never);
    return never;
  }

  /** The futures {@link #hang} returned, in call order. */
  BlockingQueue<CompletableFuture<HangReply>> hanging() {
    return hanging;
  }
}
