package dev.agentrpc.server.identity;

import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** The built-in {@link JoinPolicy}s. */
public final class JoinPolicies {
  /** The header an agent's bearer token travels in: {@code authorization: Bearer <token>}. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String BEARER = "Bearer ";
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private JoinPolicies() {}

  /**
   * Admits any well-formed name, as itself: names are self-asserted, so anyone who can reach
   * the server can join as, and replace, any agent. The default, for plaintext on a trusted
   * network only.
   */
  public static JoinPolicy anyName() {
    return AnyName.INSTANCE;
  }

  /** Whether {@code policy} is {@link #anyName()}. */
  public static boolean isAnyName(JoinPolicy policy) {
    return policy == AnyName.INSTANCE;
  }

  /**
   * Admits a client whose TLS certificate names it: a SPIFFE ID URI SAN ending in {@code
   * /agent/NAME} (e.g. {@code spiffe://example.org/agent/agent-7}) or a DNS SAN equal to the
   * name. The identity is that SAN. Needs mTLS ({@code TlsServerCredentials} with {@code
   * ClientAuth.REQUIRE}); a client without a certificate is UNAUTHENTICATED, one whose
   * certificate names others is PERMISSION_DENIED.
   */
  public static JoinPolicy certificateNames() {
    return certificateNames(JoinPolicies::spiffeAndDnsNames);
  }

  /**
   * As {@link #certificateNames()}, with the names a certificate grants, mapped to the
   * identity each is granted as, given by {@code namesOf} (for other naming schemes).
   */
  public static JoinPolicy certificateNames(Function<X509Certificate, Map<String, String>> namesOf) {
    Objects.requireNonNull(namesOf, "namesOf");
    return request -> {
      List<X509Certificate> chain = request.peerCertificates();
      if (chain.isEmpty()) {
        return JoinDecision.deny(
            Status.UNAUTHENTICATED.withDescription(
                "a client certificate is required to join; connect with mTLS"));
      }
      Map<String, String> granted = namesOf.apply(chain.get(0));
      String identity = granted.get(request.name());
      if (identity == null) {
        return JoinDecision.deny(
            Status.PERMISSION_DENIED.withDescription(
                "the client certificate grants the names "
                    + granted.keySet()
                    + ", not '"
                    + request.name()
                    + "'"));
      }
      return JoinDecision.admit(identity);
    };
  }

  /**
   * Admits a client whose bearer token ({@code authorization: Bearer <token>}, sent by
   * {@code StreamClient.Builder.bearerToken}) allows its name: {@code tokens} maps each token
   * to the names it may join as. An unknown or missing token is UNAUTHENTICATED; a token for
   * other names PERMISSION_DENIED. Tokens are compared in constant time; the identity is the
   * token's fingerprint ({@code token:} and 16 hex digits of its SHA-256), never the token.
   * Use it over TLS: on plaintext the token crosses the network readable.
   */
  public static JoinPolicy bearerTokens(Map<String, ? extends Collection<String>> tokens) {
    Map<byte[], Set<String>> byDigest = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Collection<String>> entry : tokens.entrySet()) {
      if (entry.getKey().isEmpty()) {
        throw new IllegalArgumentException("a token is empty");
      }
      byDigest.put(sha256(entry.getKey()), Set.copyOf(entry.getValue()));
    }
    return request -> {
      String header = request.header(AUTHORIZATION);
      if (header == null || !header.startsWith(BEARER)) {
        return JoinDecision.deny(
            Status.UNAUTHENTICATED.withDescription(
                "a bearer token is required to join (StreamClient.Builder.bearerToken)"));
      }
      byte[] presented = sha256(header.substring(BEARER.length()));
      Set<String> allowed = null;
      for (Map.Entry<byte[], Set<String>> entry : byDigest.entrySet()) {
        // Every entry is compared, so the time taken does not tell which one matched.
        if (MessageDigest.isEqual(entry.getKey(), presented)) {
          allowed = entry.getValue();
        }
      }
      if (allowed == null) {
        return JoinDecision.deny(Status.UNAUTHENTICATED.withDescription("the bearer token is not known"));
      }
      if (!allowed.contains(request.name())) {
        return JoinDecision.deny(
            Status.PERMISSION_DENIED.withDescription(
                "the bearer token may not join as '" + request.name() + "'"));
      }
      return JoinDecision.admit("token:" + HexFormat.of().formatHex(presented, 0, 8));
    };
  }

  /** The names a certificate grants by the SPIFFE and DNS conventions, with their identities. */
  static Map<String, String> spiffeAndDnsNames(X509Certificate certificate) {
    Map<String, String> names = new LinkedHashMap<>();
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return names;
    }
    if (sans == null) {
      return names;
    }
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (type == SAN_URI && value.startsWith("spiffe://")) {
        int at = value.lastIndexOf("/agent/");
        if (at > "spiffe://".length() && at + "/agent/".length() < value.length()) {
          names.put(value.substring(at + "/agent/".length()), value);
        }
      } else if (type == SAN_DNS) {
        names.putIfAbsent(value, "dns:" + value);
      }
    }
    return names;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static final class AnyName implements JoinPolicy {
    static final AnyName INSTANCE = new AnyName();

    @Override
    public JoinDecision decide(JoinRequest request) {
      return JoinDecision.admit(request.name());
    }

    @Override
    public String toString() {
      return "JoinPolicies.anyName()";
    }
  }
}
