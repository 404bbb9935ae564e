package dev.agentrpc.example;

import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.EchoResponse;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.ListDirResponse;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import io.grpc.StatusException;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet operations every example agent serves and the controller calls.
 *
 * <p>The agentrpc processor generates {@code AgentFunctionsProxy} (the controller's typed
 * calls) and {@code AgentFunctionsHandlers} (the agent's registration) from this interface.
 * {@link dev.agentrpc.example.agent.FleetAgent} implements it.
 */
@AgentService
@Timeout(10)
public interface AgentFunctions {
  /** The agent's hostname, OS, cores, JVM uptime, system load and free memory. */
  HostInfo hostInfo(HostInfoRequest request);

  /**
   * The entries of a directory below the agent's root.
   *
   * @throws StatusException INVALID_ARGUMENT for an absolute or malformed path,
   *     PERMISSION_DENIED for a path that leaves the root, NOT_FOUND for a missing one
   */
  ListDirResponse listDir(ListDirRequest request) throws StatusException;

  /**
   * Answers after the requested time, or stops at once when the call is cancelled or its
   * deadline passes. Holds no thread while it waits.
   */
  @Timeout(60)
  CompletableFuture<SleepResponse> sleep(SleepRequest request);

  /** Answers with the text it was sent and the agent's name. */
  EchoResponse echo(EchoRequest request);
}
