package dev.agentrpc.example.cli;

import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.AgentTransport;
import dev.agentrpc.example.agent.SandboxRoot;
import dev.agentrpc.example.security.AgentSecurity;
import dev.agentrpc.transport.stream.StreamClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Dials a controller and serves the fleet operations until stopped.",
      "Redials forever (exponential backoff with jitter) whenever the connection drops.",
      "Over --transport stream (default), long-poll, heartbeat or http-long-poll.",
      "Plaintext unless --tls-ca is given; with --tls-cert and --tls-key too, the agent presents "
          + "its certificate (mTLS)."
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
      names = "--transport",
      defaultValue = "stream",
      paramLabel = "NAME",
      description =
          "how to reach the controller: stream (one gRPC stream, the default), long-poll (gRPC"
              + " polls held until a command, where streams are cut), heartbeat (gRPC polls every 5 s,"
              + " where held requests are cut too), http-long-poll (plain HTTP/1.1 to the"
              + " controller's --http-port, where only HTTP/1.1 passes)")
  String transport;

  @Option(
      names = "--max-backoff",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "the longest wait between redials (default ${DEFAULT-VALUE})")
  Duration maxBackoff;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "dial with TLS, trusting a controller certificate signed by this CA (PEM)")
  Path tlsCa;

  @Mixin CertificateOptions tls;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "send this bearer token, for a controller with --identity token (other local users can"
              + " read a command line: prefer --token-file)")
  String token;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "a label to declare when joining, e.g. zone=eu (repeatable); the controller's all --select picks agents by them")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--token-file", paramLabel = "FILE", description = "send the bearer token this file holds (its first line)")
  Path tokenFile;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AgentTransport chosen;
    AgentSecurity security;
    try {
      chosen = AgentTransport.of(transport);
      security = security();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    SandboxRoot sandbox;
    try {
      sandbox = SandboxRoot.of(root);
    } catch (IOException e) {
      security.close();
      err.println("error: --root " + root + " is not a directory this agent can read");
      return 2;
    }
    Duration initial = maxBackoff.compareTo(Duration.ofSeconds(1)) < 0 ? maxBackoff : Duration.ofSeconds(1);
    AgentRunner runner;
    try {
      runner =
          AgentRunner.newBuilder(name, server, sandbox)
              .transport(chosen)
              .backoff(initial, maxBackoff)
              .security(security)
              .labels(labels)
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.CONNECTED) {
                      out.println(
                          "agent '"
                              + name
                              + "' connected to "
                              + server
                              + " over "
                              + transport
                              + " ("
                              + security.description()
                              + "), said Hello");
                      out.flush();
                    }
                  })
              .start();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    out.println(
        "agent '"
            + name
            + "' serving root "
            + sandbox.path()
            + "; dialing "
            + server
            + " ("
            + security.description()
            + "; Ctrl-C stops)");
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

  /**
   * How to dial, from the TLS and token options (package-private for tests).
   *
   * @throws IllegalArgumentException naming the options or the file that is wrong
   */
  AgentSecurity security() {
    boolean certificateGiven = tls.given();
    if (certificateGiven && tlsCa == null) {
      throw new IllegalArgumentException("--tls-cert needs --tls-ca, the CA to check the controller's certificate with");
    }
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException("give --token or --token-file, not both");
    }
    AgentSecurity.Builder security = AgentSecurity.newBuilder();
    if (tlsCa != null) {
      security.trust(tlsCa);
    }
    if (certificateGiven) {
      security.certificate(tls.certificate, tls.key);
    }
    if (token != null) {
      security.bearerToken(token);
    }
    if (tokenFile != null) {
      security.bearerToken(firstLine(tokenFile));
    }
    return security.build();
  }

  private static String firstLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        throw new IllegalArgumentException("--token-file " + file + " is empty");
      }
      return lines.get(0).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage(), e);
    }
  }
}
