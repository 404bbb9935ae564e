package dev.agentrpc.example.cli;

import dev.agentrpc.example.controller.Console;
import dev.agentrpc.example.controller.FleetController;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
      "Serves agents and reads operator commands on standard input.",
      "Listens on --host:--port for agents; commands: list, call <agent> <method> [json], "
          + "all <method> [json], help, quit."
    })
final class ControllerCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--port", required = true, description = "the port agents dial; 0 picks a free one")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "the address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for agents on other machines)")
  String host;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      description = "the timeout of every call, e.g. 2s (default: each method's @Timeout)")
  Duration timeout;

  @Option(names = "--no-console", description = "serve without reading standard input, until stopped")
  boolean noConsole;

  /** Standard input, replaceable by tests. */
  InputStream in = System.in;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      err.println("error: --port must be between 0 and 65535, was " + port);
      return 2;
    }
    FleetController controller;
    try {
      controller = FleetController.start(host, port, timeout);
    } catch (IOException e) {
      err.println("error: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    Thread closer = new Thread(controller::close, "controller-shutdown");
    Runtime.getRuntime().addShutdownHook(closer);
    try (controller) {
      out.println("controller listening on " + host + ":" + controller.port());
      out.println(
          "start an agent with: java -jar example-app/target/agentrpc-example-app.jar agent --name agent-1 --server "
              + ("0.0.0.0".equals(host) ? "<this-host>" : host)
              + ":"
              + controller.port());
      out.flush();
      if (noConsole) {
        new CountDownLatch(1).await();
        return 0;
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()));
      new Console(controller.clients(), controller.operations(), reader, out, System.console() != null).run();
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(closer);
      } catch (IllegalStateException e) {
        // already shutting down: the hook closes it
      }
    }
  }
}
