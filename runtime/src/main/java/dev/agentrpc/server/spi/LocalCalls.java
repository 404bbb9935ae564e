package dev.agentrpc.server.spi;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.agentrpc.internal.ClientsAccess;
import dev.agentrpc.server.Clients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What another replica asks of this one: calls to the clients connected here. */
public final class LocalCalls {
  private LocalCalls() {}

  /**
   * Calls the client named {@code client} connected to this replica with {@code payload} as it
   * is, and completes with its serialized reply, on the thread that learnt it: the forwarding
   * side parses it. Fails NOT_FOUND when the client is not connected here (never forwarded
   * again), or as {@link Clients#call} fails. The caller's {@link io.grpc.Context} is
   * watched, as for any call.
   *
   * <p>The request carries {@code metadata} (what the forwarding replica's observers put, such
   * as W3C {@code traceparent}) merged with what this replica's observers put, which see the
   * call too; on a key both put, {@code metadata}'s value is sent.
   */
  public static CompletableFuture<ByteString> call(
      Clients clients, String client, Any payload, Map<String, String> metadata, Duration timeout) {
    return ClientsAccess.callHere(clients, client, payload, Map.copyOf(metadata), timeout);
  }

  /**
   * Closes the connection of {@code client} numbered {@code connection} ({@link
   * dev.agentrpc.server.ClientInfo#connection()}), failing its pending calls with UNAVAILABLE
   * and telling the client {@code why}: another replica holds a newer connection under that
   * name. A newer connection here under the same name is left alone. False if that connection
   * is not here (any more).
   */
  public static boolean evict(Clients clients, String client, long connection, String why) {
    return ClientsAccess.evict(clients, client, connection, why);
  }
}
