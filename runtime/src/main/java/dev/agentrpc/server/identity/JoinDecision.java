package dev.agentrpc.server.identity;

import io.grpc.Status;
import java.util.Objects;

/** What a {@link JoinPolicy} decided: admitted as an identity, or denied with a status. */
public final class JoinDecision {
  private final String identity;
  private final Status denial;

  private JoinDecision(String identity, Status denial) {
    this.identity = identity;
    this.denial = denial;
  }

  /**
   * Admits the client as {@code identity}: what the policy verified it to be (a SPIFFE ID,
   * a certificate's DNS name, a token's label), shown to callers and in logs, and compared
   * when a later connection asks to replace this one.
   */
  public static JoinDecision admit(String identity) {
    Objects.requireNonNull(identity, "identity");
    if (identity.isEmpty()) {
      throw new IllegalArgumentException("identity is empty");
    }
    return new JoinDecision(identity, null);
  }

  /**
   * Denies the client; {@code status} is sent to it. Use UNAUTHENTICATED when it did not
   * prove who it is, PERMISSION_DENIED when it did but may not join under that name.
   */
  public static JoinDecision deny(Status status) {
    Objects.requireNonNull(status, "status");
    if (status.isOk()) {
      throw new IllegalArgumentException("a denial needs a non-OK status");
    }
    return new JoinDecision(null, status);
  }

  /** Whether the client is admitted. */
  public boolean isAdmitted() {
    return identity != null;
  }

  /** The identity it was admitted as; null if denied. */
  public String identity() {
    return identity;
  }

  /** Why it was denied; null if admitted. */
  public Status denial() {
    return denial;
  }

  @Override
  public String toString() {
    return isAdmitted() ? "admit " + identity : "deny " + denial;
  }
}
