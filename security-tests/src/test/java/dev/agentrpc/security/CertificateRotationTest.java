package dev.agentrpc.security;

import static dev.agentrpc.security.SecureFleet.agentTls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.security.testing.Credential;
import dev.agentrpc.security.testing.TestPki;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.transport.stream.StreamClient.State;
import io.grpc.TlsServerCredentials.ClientAuth;
import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's certificate is replaced on disk while it runs: grpc's {@link
 * AdvancedTlsX509KeyManager} rereads the files, new connections get the new certificate,
 * and agents already connected stay connected.
 */
@Timeout(60)
class CertificateRotationTest {
  @TempDir Path dir;

  @Test
  void newConnectionsGetTheNewCertificateWhileConnectedAgentsStay() throws Exception {
    Certificates certificates = Certificates.get();
    Credential before = certificates.controller;
    Credential after = certificates.nextController;
    Path certificateFile = dir.resolve("controller.pem");
    Path keyFile = dir.resolve("controller.key");
    install(before, certificateFile, keyFile);
    AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
    try (ReloadClock reloads = new ReloadClock();
        AdvancedTlsX509KeyManager.Closeable watching =
            keyManager.updateIdentityCredentials(
                certificateFile.toFile(), keyFile.toFile(), 1, TimeUnit.MINUTES, reloads);
        SecureFleet fleet =
            SecureFleet.start(
                SecureFleet.serverTls(keyManager, ClientAuth.REQUIRE),
                JoinPolicies.certificateNames())) {
      ServerCertificates seenByAgent1 = new ServerCertificates();
      DialLog agent1 = new DialLog();
      fleet.agent("agent-1", agentTls(certificates.agent1, seenByAgent1), builder -> builder.onStateChange(agent1));
      agent1.await(State.CONNECTED);

      install(after, certificateFile, keyFile);
      reloads.reloadNow();

      ServerCertificates seenByAgent9 = new ServerCertificates();
      fleet.agent("agent-9", agentTls(certificates.agent9, seenByAgent9), builder -> builder);
      fleet.assertAnswersItself("agent-9");
      fleet.assertAnswersItself("agent-1");

      assertThat(after.serial()).isNotEqualTo(before.serial());
      assertThat(seenByAgent1.serials()).as("agent-1 connected before the rotation").containsExactly(before.serial());
      assertThat(seenByAgent9.serials()).as("agent-9 connected after it").containsExactly(after.serial());
      assertThat(agent1.states()).as("agent-1 never left").containsExactly(State.CONNECTING, State.CONNECTED);
      assertThat(fleet.leaves()).isEmpty();
      assertThat(fleet.clients().identity("agent-1")).isEqualTo(TestPki.spiffeId("agent-1"));
    }
  }

  /**
   * Replaces the files as an operator would: each written beside, then moved over the old
   * one. The key manager rereads files whose modification time changed: it always does here.
   */
  private void install(Credential credential, Path certificateFile, Path keyFile) throws IOException {
    replace(keyFile, credential.keyFile());
    replace(certificateFile, credential.certificateFile());
  }

  private void replace(Path file, Path content) throws IOException {
    FileTime previous = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
    Path next = Files.copy(content, dir.resolve("next"), StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(
        next, FileTime.fromMillis(Math.max(System.currentTimeMillis(), previous.toMillis() + 1000)));
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The key manager's scheduler. grpc checks the files at most once a minute; this one also
   * runs that same check when the test asks, so the test waits for no clock.
   */
  private static final class ReloadClock extends ScheduledThreadPoolExecutor implements AutoCloseable {
    private volatile Runnable check;

    ReloadClock() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      check = command;
      return super.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    /** Runs the key manager's file check now, and waits for it. */
    void reloadNow() throws Exception {
      submit(check).get(SecureFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      shutdownNow();
    }
  }

  /** An agent's trust in the test CA that also records the serial of every server certificate it checks. */
  private static final class ServerCertificates extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager trust =
        (X509ExtendedTrustManager) Certificates.get().pki.trustManagers()[0];
    private final List<BigInteger> serials = new CopyOnWriteArrayList<>();

    List<BigInteger> serials() {
      return List.copyOf(serials);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      serials.add(chain[0].getSerialNumber());
      trust.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      serials.add(chain[0].getSerialNumber());
      trust.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      serials.add(chain[0].getSerialNumber());
      trust.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("an agent checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("an agent checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("an agent checks servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return trust.getAcceptedIssuers();
    }
  }
}
