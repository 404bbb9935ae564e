package dev.agentrpc.security.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A private key and its certificate chain (its own certificate first), in memory and as PEM
 * files: {@code <alias>.pem} (the chain) and {@code <alias>.key} (the key, PKCS#8), the forms
 * grpc's {@code TlsServerCredentials} and {@code TlsChannelCredentials} read.
 */
public final class Credential {
  private final String alias;
  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final Path certificateFile;
  private final Path keyFile;

  Credential(Path dir, String alias, PrivateKey key, X509Certificate... chain) {
    this.alias = alias;
    this.key = key;
    this.chain = chain.clone();
    this.certificateFile = dir.resolve(alias + ".pem");
    this.keyFile = dir.resolve(alias + ".key");
    try {
      Files.writeString(certificateFile, pem(chain), StandardCharsets.US_ASCII);
      Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The name it was issued under, e.g. {@code agent-1}. */
  public String alias() {
    return alias;
  }

  /** Its own certificate. */
  public X509Certificate certificate() {
    return chain[0];
  }

  /** Its own certificate's serial number. */
  public BigInteger serial() {
    return chain[0].getSerialNumber();
  }

  /** The certificate chain as PEM, its own certificate first. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The private key as PEM (PKCS#8, unencrypted). */
  public Path keyFile() {
    return keyFile;
  }

  /**
   * A key manager presenting this credential, for {@code keyManager(KeyManager...)}: on every
   * handshake, whichever certificate authorities the peer asks for, as an attacker's would.
   * (The JDK's own key managers keep quiet when their certificate is not from a CA the
   * server named, which would make a self-signed certificate look like none.)
   */
  public KeyManager keyManager() {
    return new Presenting();
  }

  private final class Presenting extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return alias;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {alias};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String name) {
      return alias.equals(name) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String name) {
      return alias.equals(name) ? key : null;
    }
  }

  /** {@code certificates} as PEM, one block each. */
  static String pem(X509Certificate... certificates) {
    StringBuilder text = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        text.append(pem("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return text.toString();
  }

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  @Override
  public String toString() {
    return "Credential{" + alias + ", serial " + serial().toString(16) + "}";
  }
}
