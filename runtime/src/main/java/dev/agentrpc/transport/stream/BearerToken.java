package dev.agentrpc.transport.stream;

import dev.agentrpc.server.identity.JoinPolicies;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's bearer token as gRPC call credentials, sent as {@code authorization: Bearer
 * <token>} on its stream or polls; over a connection without TLS it logs a WARN once.
 */
public final class BearerToken extends CallCredentials {
  private static final Logger logger = LoggerFactory.getLogger(BearerToken.class);

  private final Metadata headers = new Metadata();
  private final AtomicBoolean warnedPlaintext = new AtomicBoolean();

  /**
   * {@code token}, if it can be sent as a bearer token: 1 or more printable ASCII characters.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String checked(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("a bearer token is 1 or more printable ASCII characters");
    }
    return token;
  }

  /** Credentials that send {@code token}; check it first with {@link #checked}. */
  public BearerToken(String token) {
    headers.put(JoinPolicies.AUTHORIZATION, "Bearer " + token);
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY
        && warnedPlaintext.compareAndSet(false, true)) {
      logger.warn(
          "sending the bearer token over a connection without TLS: anyone on the path can read"
              + " it; use TLS");
    }
    Metadata copy = new Metadata();
    copy.merge(headers);
    applier.apply(copy);
  }

  @Override
  public String toString() {
    return "BearerToken{...}";
  }
}
