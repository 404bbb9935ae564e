package dev.agentrpc.example.cli;

import dev.agentrpc.example.controller.Console;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.example.security.ControllerSecurity;
import dev.agentrpc.example.security.ControllerSecurity.Identity;
import dev.agentrpc.example.security.TokenFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
      "Serves agents and reads operator commands on standard input.",
      "Listens on --host:--port for agents (stream, long-poll and heartbeat over gRPC), and on "
          + "--http-port for agents polling over HTTP/1.1; commands: list, call <agent> <method> [json], "
          + "all <method> [json], help, quit.",
      "Plaintext unless --tls-cert and --tls-key are given; with --tls-ca too, agents must "
          + "present certificates from that CA (mTLS) and join as the names they grant.",
      "With --redis, one replica of a cluster: agents may join any replica, and every replica "
          + "lists and calls them all."
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

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description =
          "the port agents polling over plain HTTP/1.1 dial (agent --transport http-long-poll); 0"
              + " picks a free one, -1 serves none. Default: a free one for a plaintext controller,"
              + " none with TLS (this example serves HTTP without TLS)")
  Integer httpPort;

  @Option(
      names = "--fleet-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "the port of the fleet page for operators, on 127.0.0.1 only (it calls agents for whoever"
              + " reaches it); 0 (the default) picks a free one, -1 serves none")
  int fleetPort;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "run as one replica of a cluster whose directory is this Redis, e.g. redis://127.0.0.1:6379:"
              + " the console and the fleet page then reach every replica's agents (plaintext only)")
  String redis;

  @Option(
      names = "--advertise",
      paramLabel = "HOST:PORT",
      description = "with --redis: where the other replicas reach this one (default: --host and the bound port)")
  String advertise;

  @Option(names = "--no-console", description = "serve without reading standard input, until stopped")
  boolean noConsole;

  @Mixin CertificateOptions tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "require every agent to present a certificate signed by this CA (PEM): mTLS")
  Path tlsCa;

  @Option(
      names = "--identity",
      paramLabel = "MODE",
      description =
          "who may join as which name: any (names are not verified), certificate (the names the"
              + " agent's certificate grants, by a SPIFFE ID ending in /agent/NAME or the DNS name NAME;"
              + " needs --tls-ca) or token (the names the agent's bearer token allows; needs"
              + " --tokens). Default: certificate with --tls-ca, else any")
  Identity identity;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description = "for --identity token: one line per token, the token then the names it may join as")
  Path tokens;

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
    if (fleetPort < -1 || fleetPort > 65535) {
      err.println("error: --fleet-port must be between -1 and 65535, was " + fleetPort);
      return 2;
    }
    if (advertise != null && redis == null) {
      err.println("error: --advertise is for a cluster replica: add --redis URI");
      return 2;
    }
    ControllerSecurity security;
    try {
      security = security(err);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    FleetController controller;
    try {
      int http = httpPort != null ? httpPort : tls.given() ? -1 : 0;
      FleetController.Cluster cluster = redis == null ? null : new FleetController.Cluster(redis, advertise);
      controller = FleetController.start(host, port, http, fleetPort, timeout, security, cluster);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("error: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    Thread closer = new Thread(controller::close, "controller-shutdown");
    Runtime.getRuntime().addShutdownHook(closer);
    try (controller) {
      out.println("controller listening on " + host + ":" + controller.port() + " (" + controller.security() + ")");
      if (controller.httpPort() >= 0) {
        out.println(
            "and on "
                + host
                + ":"
                + controller.httpPort()
                + " for agents polling over HTTP/1.1 (agent --transport http-long-poll --server "
                + host
                + ":"
                + controller.httpPort()
                + ")");
      }
      if (controller.cluster() != null) {
        out.println(controller.cluster() + "; the console reaches every replica's agents");
      }
      if (controller.fleetUrl() != null) {
        out.println("fleet page: " + controller.fleetUrl());
      }
      out.println(
          "start an agent with: java -jar example-app/target/agentrpc-example-app.jar agent --name agent-1 --server "
              + ("0.0.0.0".equals(host) ? "<this-host>" : host)
              + ":"
              + controller.port()
              + agentOptions());
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

  /**
   * How to serve agents, from the TLS and identity options.
   *
   * @throws IllegalArgumentException naming the options or the file that is wrong
   */
  private ControllerSecurity security(PrintWriter err) {
    boolean tlsGiven = tls.given();
    if (tlsCa != null && !tlsGiven) {
      throw new IllegalArgumentException("--tls-ca (client certificates) needs TLS: add --tls-cert and --tls-key");
    }
    if (identity == Identity.CERTIFICATE && tlsCa == null) {
      throw new IllegalArgumentException(
          "--identity certificate needs --tls-ca: agents' names come from their certificates");
    }
    if (identity == Identity.TOKEN && tokens == null) {
      throw new IllegalArgumentException("--identity token needs --tokens FILE");
    }
    if (tokens != null && identity != Identity.TOKEN) {
      throw new IllegalArgumentException("--tokens is for --identity token");
    }
    if (identity == Identity.TOKEN && !tlsGiven) {
      err.println("warning: without TLS, agents' bearer tokens cross the network readable; add --tls-cert and --tls-key");
      err.flush();
    }
    if (!tlsGiven && identity == null) {
      return ControllerSecurity.plaintext();
    }
    ControllerSecurity.Builder security = ControllerSecurity.newBuilder();
    if (tlsGiven) {
      security.tls(tls.certificate, tls.key);
    }
    if (tlsCa != null) {
      security.requireClientCertificates(tlsCa);
    }
    if (identity != null) {
      security.identity(identity);
    }
    if (tokens != null) {
      security.tokens(TokenFile.read(tokens));
    }
    return security.build();
  }

  /** The agent options the banner's example command needs. */
  private String agentOptions() {
    StringBuilder options = new StringBuilder();
    if (tls.certificate != null) {
      options.append(" --tls-ca <ca.pem>");
    }
    if (tlsCa != null) {
      options.append(" --tls-cert <agent-1.pem> --tls-key <agent-1.key>");
    }
    if (identity == Identity.TOKEN) {
      options.append(" --token-file <agent-1.token>");
    }
    return options.toString();
  }
}
