package dev.agentrpc.example.security;

import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.server.identity.JoinPolicy;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the controller meets agents: plaintext or TLS, with or without client certificates
 * (mTLS), and who may join as which name (the {@link JoinPolicy}).
 *
 * <pre>{@code
 * ControllerSecurity mtls = ControllerSecurity.newBuilder()
 *     .tls(Path.of("controller.pem"), Path.of("controller.key"))
 *     .requireClientCertificates(Path.of("ca.pem"))     // agents' names from their certificates
 *     .build();
 * }</pre>
 */
public final class ControllerSecurity implements AutoCloseable {
  /** Who may join as which name. */
  public enum Identity {
    /** Any name, as itself: names are self-asserted. */
    ANY,
    /** The names the agent's client certificate grants (SPIFFE ID {@code .../agent/NAME} or DNS name). */
    CERTIFICATE,
    /** The names the agent's bearer token allows, from a tokens file. */
    TOKEN
  }

  private final ServerCredentials credentials;
  private final JoinPolicy joinPolicy;
  private final String description;
  private final WatchedKeyPair keyPair;

  private ControllerSecurity(
      ServerCredentials credentials, JoinPolicy joinPolicy, String description, WatchedKeyPair keyPair) {
    this.credentials = credentials;
    this.joinPolicy = joinPolicy;
    this.description = description;
    this.keyPair = keyPair;
  }

  /** Plaintext, any name: for a trusted network, or one machine. */
  public static ControllerSecurity plaintext() {
    return new ControllerSecurity(
        InsecureServerCredentials.create(), JoinPolicies.anyName(), "plaintext, agents' names not verified", null);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** What agents' connections are served with. */
  public ServerCredentials credentials() {
    return credentials;
  }

  /** Who may join as which name. */
  public JoinPolicy joinPolicy() {
    return joinPolicy;
  }

  /** One line for the operator, e.g. "mTLS, agents join as the names their certificates grant". */
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

  /** Options of a {@link ControllerSecurity}. */
  public static final class Builder {
    private Path certificateFile;
    private Path keyFile;
    private Path clientCaFile;
    private Identity identity;
    private Map<String, List<String>> tokens;

    private Builder() {}

    /**
     * Serves TLS with the certificate chain in {@code certificateFile} and the key in {@code
     * keyFile} (PEM; the key unencrypted PKCS#8), reread when they change.
     */
    public Builder tls(Path certificateFile, Path keyFile) {
      this.certificateFile = Objects.requireNonNull(certificateFile, "certificateFile");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /**
     * Requires every agent to present a certificate signed by a CA in {@code caFile} (mTLS),
     * and makes {@link Identity#CERTIFICATE} the default identity.
     */
    public Builder requireClientCertificates(Path caFile) {
      this.clientCaFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /** Who may join as which name: CERTIFICATE with client certificates, else ANY, unless set. */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** The tokens of {@link Identity#TOKEN}, each with the names it allows ({@link TokenFile}). */
    public Builder tokens(Map<String, List<String>> tokens) {
      this.tokens = Map.copyOf(tokens);
      return this;
    }

    /**
     * Reads the files and builds it.
     *
     * @throws IllegalArgumentException if a file cannot be used, or the options do not fit together
     */
    public ControllerSecurity build() {
      Identity chosen = identity != null ? identity : clientCaFile != null ? Identity.CERTIFICATE : Identity.ANY;
      if (clientCaFile != null && certificateFile == null) {
        throw new IllegalArgumentException("client certificates need TLS: the controller's certificate and key");
      }
      if (chosen == Identity.CERTIFICATE && clientCaFile == null) {
        throw new IllegalArgumentException("names from certificates need client certificates (mTLS)");
      }
      if ((chosen == Identity.TOKEN) != (tokens != null)) {
        throw new IllegalArgumentException("tokens go with the token identity, and only with it");
      }
      JoinPolicy policy = policy(chosen);
      if (certificateFile == null) {
        return new ControllerSecurity(
            InsecureServerCredentials.create(), policy, "plaintext, " + describe(chosen), null);
      }
      TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder();
      if (clientCaFile != null) {
        tls.trustManager(PemFiles.trustManagers(clientCaFile)).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      WatchedKeyPair keyPair = WatchedKeyPair.watch(certificateFile, keyFile);
      ServerCredentials credentials = tls.keyManager(keyPair.keyManager()).build();
      return new ControllerSecurity(
          credentials, policy, (clientCaFile != null ? "mTLS, " : "TLS, ") + describe(chosen), keyPair);
    }

    private JoinPolicy policy(Identity chosen) {
      switch (chosen) {
        case CERTIFICATE:
          return JoinPolicies.certificateNames();
        case TOKEN:
          return JoinPolicies.bearerTokens(tokens);
        default:
          return JoinPolicies.anyName();
      }
    }

    private static String describe(Identity chosen) {
      switch (chosen) {
        case CERTIFICATE:
          return "agents join as the names their certificates grant";
        case TOKEN:
          return "agents join as the names their bearer tokens allow";
        default:
          return "agents' names not verified";
      }
    }
  }
}
