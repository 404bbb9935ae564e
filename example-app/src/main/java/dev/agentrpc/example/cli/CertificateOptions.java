package dev.agentrpc.example.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --tls-cert} and {@code --tls-key}: the certificate a command presents, and its key. */
final class CertificateOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "this side's certificate (PEM, the chain after it), with --tls-key; both files are reread"
              + " every minute, so replacing them rotates the certificate without a restart")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "the private key of --tls-cert (PEM, unencrypted PKCS#8)")
  Path key;

  /** Whether both are given; throws if only one is. */
  boolean given() {
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    return certificate != null;
  }
}
