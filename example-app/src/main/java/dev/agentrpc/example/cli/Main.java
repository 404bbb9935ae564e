package dev.agentrpc.example.cli;

import dev.agentrpc.example.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The example app's command line: {@code demo} (the default), {@code controller}, {@code agent}. */
@Command(
    name = "agentrpc-example",
    mixinStandardHelpOptions = true,
    version = "agentrpc example app 0.1.0",
    description = {
      "A fleet-operations demo of agentrpc: agents dial out to a controller over one gRPC "
          + "stream, and the controller calls typed functions on them.",
      "Without a command it runs the demo."
    },
    subcommands = {
      DemoCommand.class,
      ControllerCommand.class,
      AgentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  /** Runs the demo when no command is given. */
  @Override
  public Integer call() {
    return Demo.run(spec.commandLine().getOut());
  }

  /** The command line, ready to {@code execute(args)}. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
