package dev.agentrpc.example.security;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;

/**
 * A certificate and its key read from PEM files, and read again when the files change: grpc's
 * {@link AdvancedTlsX509KeyManager} checks them once a minute (its shortest period), so
 * replacing both files rotates the certificate without a restart. New connections get the
 * new one; connections already up keep theirs.
 */
final class WatchedKeyPair implements AutoCloseable {
  /** How often the files are checked: grpc's minimum. */
  static final long CHECK_MINUTES = 1;

  private static final ScheduledExecutorService CHECKS =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "agentrpc-example-certificate-check");
            thread.setDaemon(true);
            return thread;
          });

  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509KeyManager.Closeable watch;

  private WatchedKeyPair(AdvancedTlsX509KeyManager keyManager, AdvancedTlsX509KeyManager.Closeable watch) {
    this.keyManager = keyManager;
    this.watch = watch;
  }

  /**
   * Reads {@code certificateFile} (PEM, its own certificate first) and {@code keyFile} (PEM,
   * unencrypted PKCS#8), and watches them.
   *
   * @throws IllegalArgumentException naming the file that cannot be used, and why
   */
  static WatchedKeyPair watch(Path certificateFile, Path keyFile) {
    // Read once here for clear errors; the key manager reads the same files with the same parser.
    PemFiles.checkPair(
        PemFiles.privateKey(keyFile), PemFiles.certificates(certificateFile).get(0), keyFile, certificateFile);
    AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
    try {
      return new WatchedKeyPair(
          keyManager,
          keyManager.updateIdentityCredentials(
              certificateFile.toFile(), keyFile.toFile(), CHECK_MINUTES, TimeUnit.MINUTES, CHECKS));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use " + certificateFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  KeyManager keyManager() {
    return keyManager;
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    watch.close();
  }
}
