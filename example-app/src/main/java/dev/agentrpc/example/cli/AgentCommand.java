package dev.agentrpc.example.cli;

import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import dev.agentrpc.transport.stream.StreamClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Dials a controller and serves the fleet operations until stopped.",
      "Redials forever (exponential backoff with jitter) whenever the connection drops."
    })
final class AgentCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--name", required = true, description = "the name the controller calls this agent by")
  String name;

  @Option(names = "--server", required = true, paramLabel = "host:port", description = "the controller to dial")
  String server;

  @Option(
      names = "--root",
      defaultValue = ".",
      description = "the directory listDir may show; nothing outside it is read (default: the current directory)")
  Path root;

  @Option(
      names = "--max-backoff",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "the longest wait between redials (default ${DEFAULT-VALUE})")
  Duration maxBackoff;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SandboxRoot sandbox;
    try {
      sandbox = SandboxRoot.of(root);
    } catch (IOException e) {
      err.println("error: --root " + root + " is not a directory this agent can read");
      return 2;
    }
    Duration initial = maxBackoff.compareTo(Duration.ofSeconds(1)) < 0 ? maxBackoff : Duration.ofSeconds(1);
    AgentRunner runner;
    try {
      runner =
          AgentRunner.newBuilder(name, server, sandbox)
              .backoff(initial, maxBackoff)
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.CONNECTED) {
                      out.println("agent '" + name + "' connected to " + server);
                      out.flush();
                    }
                  })
              .start();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    out.println("agent '" + name + "' serving root " + sandbox.path() + "; dialing " + server + " (Ctrl-C stops)");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.close();
                  stopped.countDown();
                },
                "agent-shutdown"));
    stopped.await();
    return 0;
  }
}
