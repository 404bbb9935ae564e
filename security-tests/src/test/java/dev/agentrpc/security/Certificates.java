package dev.agentrpc.security;

import dev.agentrpc.security.testing.Credential;
import dev.agentrpc.security.testing.TestPki;
import dev.agentrpc.security.testing.TestPki.Leaf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The certificates the tests here use, made once per JVM (each keytool run starts a JVM):
 * a CA; two controller certificates for 127.0.0.1 (the second for rotation); agents
 * {@code agent-1} and {@code agent-9}; and a self-signed certificate naming {@code agent-1}
 * that no one trusts.
 */
final class Certificates {
  private static Certificates shared;

  final TestPki pki;
  final Credential controller;
  final Credential nextController;
  final Credential agent1;
  final Credential agent9;
  final Credential selfSignedAgent1;

  private Certificates(Path dir) {
    // keytool runs are processes: the self-signed one runs while the CA is made.
    CompletableFuture<List<Credential>> selfSigned =
        CompletableFuture.supplyAsync(() -> TestPki.selfSigned(dir, Leaf.agent("agent-1").as("self-signed-agent-1")));
    pki = TestPki.create(dir);
    List<Credential> issued =
        pki.issue(
            Leaf.controller("controller"),
            Leaf.controller("controller-next"),
            Leaf.agent("agent-1"),
            Leaf.agent("agent-9"));
    controller = issued.get(0);
    nextController = issued.get(1);
    agent1 = issued.get(2);
    agent9 = issued.get(3);
    selfSignedAgent1 = selfSigned.join().get(0);
  }

  static synchronized Certificates get() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("agentrpc-security-tests");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete-test-pki"));
        shared = new Certificates(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the system cleans it up eventually
    }
  }
}
