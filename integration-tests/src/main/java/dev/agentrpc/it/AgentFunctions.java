package dev.agentrpc.it;

import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
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

/** What the integration tests' agents serve; the processor generates its proxy and handlers. */
@AgentService
@Timeout(5)
public interface AgentFunctions {
  /** Replies with the agent's name and the text; INVALID_ARGUMENT for an empty text. */
  EchoReply echo(EchoRequest request) throws StatusException;

  /** Adds the values up, asynchronously. */
  CompletableFuture<SumReply> sum(SumRequest request);

  /** Measures the text, answering with a CompletionStage rather than a CompletableFuture. */
  CompletionStage<LengthReply> length(LengthRequest request);

  /** Never replies: the call ends by its own, method-level, timeout. */
  @Timeout(value = 200, unit = TimeUnit.MILLISECONDS)
  CompletableFuture<HangReply> hang(HangRequest request);
}
