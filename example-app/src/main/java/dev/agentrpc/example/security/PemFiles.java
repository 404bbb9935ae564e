package dev.agentrpc.example.security;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the PEM files the TLS options name, with errors that say which file is wrong and
 * how to fix it. Every method throws IllegalArgumentException with such a message.
 */
final class PemFiles {
  private PemFiles() {}

  /** The certificates in {@code file}, at least one. */
  static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = List.of(CertificateUtils.getX509Certificates(in));
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no certificate (PEM: -----BEGIN CERTIFICATE-----)");
      }
      return certificates;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + " is not a PEM certificate file (-----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
    }
  }

  /** The private key in {@code file}, which must be unencrypted PKCS#8. */
  static PrivateKey privateKey(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateUtils.getPrivateKey(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          file
              + " is not an unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----); convert it"
              + " with: openssl pkcs8 -topk8 -nocrypt -in OLD.key -out NEW.key",
          e);
    }
  }

  /** Checks that {@code key} is the private half of {@code certificate}'s public key. */
  static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile, Path certificateFile) {
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    boolean matches;
    try {
      byte[] probe = "agentrpc key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "the key in " + keyFile + " does not belong to the certificate in " + certificateFile);
    }
  }

  /** Trust managers trusting exactly the certificates in {@code file} (the CA that signs the peers'). */
  static TrustManager[] trustManagers(Path file) {
    List<X509Certificate> authorities = certificates(file);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot trust the certificates in " + file + ": " + e.getMessage(), e);
    }
  }
}
