package dev.agentrpc.server.identity;

/**
 * Decides who may join, and as which identity: consulted for every Hello before the client
 * is admitted, with what the transport knows of the peer (its TLS certificate, address and
 * request headers).
 *
 * <p>A connection that is refused never disturbs the one already joined under that name;
 * a newer connection replaces an older one only when both have the same identity.
 * Implementations must be thread-safe, quick and non-blocking: they run on the transport's
 * thread. {@link JoinPolicies} has the built-in ones.
 */
@FunctionalInterface
public interface JoinPolicy {
  /** Admits {@code request} with the identity it established, or denies it with a status. */
  JoinDecision decide(JoinRequest request);
}
