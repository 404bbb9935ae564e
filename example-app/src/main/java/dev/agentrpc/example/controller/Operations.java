package dev.agentrpc.example.controller;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.EchoResponse;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.ListDirResponse;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.FanOutOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The console's table of {@code AgentFunctions} methods: each name with its request type,
 * the typed proxy call that sends it to one agent and the fan-out that sends it to many. One
 * entry per method, no reflection; a method added to the interface is added here too.
 */
public final class Operations {
  // AgentFunctions' @Timeout values, which the fan-outs below need until the proxy fans out.
  private static final Duration DECLARED_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SLEEP_TIMEOUT = Duration.ofSeconds(60);

  private Operations() {}

  /**
   * The operations, calling one agent through {@code agents} and many through {@code clients}.
   *
   * @param callTimeout every call's timeout, or null for each method's {@code @Timeout}
   */
  public static List<Operation> of(AgentFunctionsProxy agents, Clients clients, Duration callTimeout) {
    return List.of(
        Operation.of(
            "hostInfo",
            "hostname, OS, cores, JVM uptime, load, free memory",
            "{}",
            HostInfoRequest.getDefaultInstance(),
            agents.async()::hostInfo,
            fanOut(clients, HostInfo.parser(), callTimeout, DECLARED_TIMEOUT)),
        Operation.of(
            "listDir",
            "a directory below the agent's --root",
            "{\"path\": \"logs\"}",
            ListDirRequest.getDefaultInstance(),
            agents.async()::listDir,
            fanOut(clients, ListDirResponse.parser(), callTimeout, DECLARED_TIMEOUT)),
        Operation.of(
            "sleep",
            "answer after millis; stops on cancel or deadline",
            "{\"millis\": 500}",
            SleepRequest.getDefaultInstance(),
            agents.async()::sleep,
            fanOut(clients, SleepResponse.parser(), callTimeout, SLEEP_TIMEOUT)),
        Operation.of(
            "echo",
            "answer with the text sent",
            "{\"text\": \"hi\"}",
            EchoRequest.getDefaultInstance(),
            agents.async()::echo,
            fanOut(clients, EchoResponse.parser(), callTimeout, DECLARED_TIMEOUT)));
  }

  /**
   * The one place a method is fanned out. Once {@code AgentFunctionsProxy} has {@code
   * fanOut(options)}, each use above becomes {@code (options, request) ->
   * agents.fanOut(options).hostInfo(request)} and this method and the timeouts go.
   */
  private static <Q extends Message, R extends Message> BiFunction<FanOutOptions, Q, FanOut<R>> fanOut(
      Clients clients, Parser<R> parser, Duration callTimeout, Duration declared) {
    Duration timeout = callTimeout != null ? callTimeout : declared;
    return (options, request) -> clients.fanOut(request, parser, options, timeout, clients.callbackExecutor());
  }
}
