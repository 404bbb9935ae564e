package test.clash;

import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import java.util.concurrent.CompletableFuture;

/**
 * Its messages share simple names with Clients, Result, Duration, FanOut and FanOutOptions of the
 * generated code, and with the proxy's nested All, Async and FanOutCalls.
 */
@AgentService
@Timeout(1)
public interface Clashing {
  Result run(Clients request);

  CompletableFuture<Duration> measure(Result request);

  Async sum(All request);

  FanOut spread(FanOutOptions request);

  CompletableFuture<FanOutCalls> gather(FanOut request);
}
