package dev.agentrpc.server.spi;

import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * The outbound half of one client connection, implemented by a transport.
 *
 * <p>The session pulls commands rather than the transport buffering them: it writes a
 * request only while its call is still pending, with the time that remains of its deadline,
 * and keeps what waits within its byte cap. {@link #write} and {@link #close} are only ever
 * called from tasks run by {@link #serializer()}, so an implementation needs no locking of
 * its own for them.
 */
public interface ClientSink {
  /**
   * The executor that serialises this connection's state changes: it runs one task at a
   * time, in order, on the submitting thread or one already running a task (as {@link
   * io.grpc.SynchronizationContext} does). It must never block or run user code.
   */
  Executor serializer();

  /** Whether the connection can take another command now without buffering it. */
  boolean isReady();

  /** Writes one command. Called only from the serializer, only after {@link #isReady()}. */
  void write(ServerToClient command);

  /** Ends the connection with {@code status}. Called only from the serializer, at most once. */
  void close(Status status);
}
