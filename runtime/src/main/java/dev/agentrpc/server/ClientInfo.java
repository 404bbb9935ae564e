package dev.agentrpc.server;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the controller knows of one connected client: its name, the identity it joined as,
 * the labels it declared, and when it joined. Immutable; a snapshot, not updated when the
 * client leaves.
 */
public final class ClientInfo {
  private final String name;
  private final String identity;
  private final Map<String, String> labels;
  private final Instant joinedAt;
  private final long connection;

  ClientInfo(String name, String identity, Map<String, String> labels, Instant joinedAt, long connection) {
    this.name = name;
    this.identity = identity;
    this.labels = labels;
    this.joinedAt = joinedAt;
    this.connection = connection;
  }

  /**
   * What another replica of a cluster knows of a client it holds, for {@link
   * dev.agentrpc.server.spi.RemoteClients} implementations.
   */
  public static ClientInfo remote(String name, String identity, Map<String, String> labels, Instant joinedAt) {
    return new ClientInfo(
        Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(identity, "identity"),
        Map.copyOf(labels),
        Objects.requireNonNull(joinedAt, "joinedAt"),
        0);
  }

  /** The name the client joined with. */
  public String name() {
    return name;
  }

  /** The identity the transport's join policy verified (see {@link Clients#identity}). */
  public String identity() {
    return identity;
  }

  /** The labels the client declared when it joined; empty if it declared none. Unmodifiable. */
  public Map<String, String> labels() {
    return labels;
  }

  /** When this connection joined. */
  public Instant joinedAt() {
    return joinedAt;
  }

  /**
   * Tells this connection from the other connections this controller admitted (under any
   * name), a positive number; 0 for a client another replica holds.
   */
  public long connection() {
    return connection;
  }

  /** Whether this client is connected to another replica of a cluster. */
  public boolean isRemote() {
    return connection == 0;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientInfo)) {
      return false;
    }
    ClientInfo that = (ClientInfo) o;
    return name.equals(that.name)
        && identity.equals(that.identity)
        && labels.equals(that.labels)
        && joinedAt.equals(that.joinedAt)
        && connection == that.connection;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, identity, labels, joinedAt, connection);
  }

  @Override
  public String toString() {
    return "ClientInfo{" + name + " as " + identity + ", labels=" + labels + ", joined " + joinedAt + "}";
  }
}
