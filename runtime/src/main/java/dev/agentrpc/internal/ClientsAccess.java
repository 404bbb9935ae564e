package dev.agentrpc.internal;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.ClientSink;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Lets the transport SPI reach into {@link Clients} without making that part of the caller's
 * API. Clients installs the implementation when its class initialises. Internal API.
 */
public abstract class ClientsAccess {
  private static volatile ClientsAccess instance;

  /** Called once, by Clients. */
  public static void install(ClientsAccess access) {
    if (instance != null) {
      throw new IllegalStateException("already installed");
    }
    instance = access;
  }

  public static ClientSession join(
      Clients clients, ClientToServer.Hello hello, String identity, ClientSink sink)
      throws StatusException {
    return instance.doJoin(clients, hello, identity, sink);
  }

  public static void whenClosed(Clients clients, Runnable task) {
    instance.doWhenClosed(clients, task);
  }

  public static CompletableFuture<ByteString> callHere(
      Clients clients, String client, Any payload, Map<String, String> metadata, Duration timeout) {
    return instance.doCallHere(clients, client, payload, metadata, timeout);
  }

  public static boolean evict(Clients clients, String client, long connection, String why) {
    return instance.doEvict(clients, client, connection, why);
  }

  public static void refused(Clients clients, String client, Status status) {
    instance.doRefused(clients, client, status);
  }

  protected abstract void doRefused(Clients clients, String client, Status status);

  protected abstract CompletableFuture<ByteString> doCallHere(
      Clients clients, String client, Any payload, Map<String, String> metadata, Duration timeout);

  protected abstract boolean doEvict(Clients clients, String client, long connection, String why);

  protected abstract ClientSession doJoin(
      Clients clients, ClientToServer.Hello hello, String identity, ClientSink sink)
      throws StatusException;

  protected abstract void doWhenClosed(Clients clients, Runnable task);
}
