package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state of one contender against one agent or server: the parameters every contender
 * shares, and the side it opens for the trial and closes after it.
 */
@State(Scope.Benchmark)
public abstract class Contender {
  /** Encoded request size in bytes: ~100 B and 64 KiB. */
  @Param({"100", "65536"})
  public int payloadSize;

  /** {@link Config}: "default" (what a user gets) or "tuned" (direct executors). */
  @Param({"default", "tuned"})
  public String config;

  EchoRequest request;
  private AutoCloseable side;

  @Setup(Level.Trial)
  public void open() throws Exception {
    request = Echo.request(payloadSize);
    side = open(Config.of(config));
  }

  /** Starts this contender's servers and clients, checks one echo, and returns what to close. */
  protected abstract AutoCloseable open(Config config) throws Exception;

  @TearDown(Level.Trial)
  public void close() throws Exception {
    if (side != null) {
      side.close();
    }
  }
}
