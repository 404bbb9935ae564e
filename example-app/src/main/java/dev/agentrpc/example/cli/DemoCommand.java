package dev.agentrpc.example.cli;

import dev.agentrpc.example.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a controller and three agents in this JVM and calls them (the default).",
      "Starts a controller on an ephemeral 127.0.0.1 port and three agents, calls each "
          + "operation, the whole fleet, a deadline and a cancellation, then exits 0 when "
          + "everything behaved, 1 otherwise."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    return Demo.run(spec.commandLine().getOut());
  }
}
