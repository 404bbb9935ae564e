package dev.agentrpc.example.security;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How an agent meets the controller: plaintext or TLS (checking the controller's certificate
 * against a CA), with or without a client certificate of its own (mTLS) and a bearer token.
 *
 * <pre>{@code
 * AgentSecurity mtls = AgentSecurity.newBuilder()
 *     .trust(Path.of("ca.pem"))
 *     .certificate(Path.of("agent-1.pem"), Path.of("agent-1.key"))
 *     .build();
 * }</pre>
 */
public final class AgentSecurity implements AutoCloseable {
  private final ChannelCredentials credentials;
  private final String bearerToken;
  private final String description;
  private final WatchedKeyPair keyPair;

  private AgentSecurity(
      ChannelCredentials credentials, String bearerToken, String description, WatchedKeyPair keyPair) {
    this.credentials = credentials;
    this.bearerToken = bearerToken;
    this.description = description;
    this.keyPair = keyPair;
  }

  /** Plaintext, no token. */
  public static AgentSecurity plaintext() {
    return new AgentSecurity(InsecureChannelCredentials.create(), null, "plaintext", null);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** What the agent's channel dials with. */
  public ChannelCredentials credentials() {
    return credentials;
  }

  /** The token sent to the controller; null for none. */
  public String bearerToken() {
    return bearerToken;
  }

  /** A few words for the operator, e.g. "mTLS" or "TLS, bearer token". */
  public String description() {
    return description;
  }

  /** Stops watching the certificate files. */
  @Override
  public void close() {
    if (keyPair != null) {
      keyPair.close();
    }
  }

  /** Options of an {@link AgentSecurity}. */
  public static final class Builder {
    private Path caFile;
    private Path certificateFile;
    private Path keyFile;
    private String bearerToken;

    private Builder() {}

    /** Dials with TLS, trusting a controller certificate signed by a CA in {@code caFile} (PEM). */
    public Builder trust(Path caFile) {
      this.caFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /**
     * Presents the certificate chain in {@code certificateFile} with the key in {@code keyFile}
     * (PEM; the key unencrypted PKCS#8), reread when they change. Needs {@link #trust}.
     */
    public Builder certificate(Path certificateFile, Path keyFile) {
      this.certificateFile = Objects.requireNonNull(certificateFile, "certificateFile");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /** Sends {@code token} to the controller, for its token identity. */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Reads the files and builds it.
     *
     * @throws IllegalArgumentException if a file cannot be used, or a certificate is given without a CA
     */
    public AgentSecurity build() {
      String token = bearerToken != null ? ", bearer token" : "";
      if (caFile == null) {
        if (certificateFile != null) {
          throw new IllegalArgumentException("a client certificate needs TLS: the CA to check the controller with");
        }
        return new AgentSecurity(InsecureChannelCredentials.create(), bearerToken, "plaintext" + token, null);
      }
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(PemFiles.trustManagers(caFile));
      if (certificateFile == null) {
        return new AgentSecurity(tls.build(), bearerToken, "TLS" + token, null);
      }
      WatchedKeyPair keyPair = WatchedKeyPair.watch(certificateFile, keyFile);
      return new AgentSecurity(tls.keyManager(keyPair.keyManager()).build(), bearerToken, "mTLS" + token, keyPair);
    }
  }
}
