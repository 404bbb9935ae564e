package dev.agentrpc.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamClient.State;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An agent's state changes and its channel's connection attempts, with the time each was
 * seen, for asserting how the agent redials: a stream the controller refuses leaves the
 * connection up and the agent opens another stream (CONNECTING again); a connection that
 * fails (a TLS handshake) makes the agent have its channel connect again, opening no stream
 * until one succeeds.
 */
final class DialLog implements Consumer<State> {
  /** The event loop of the channels {@link #connections()} configures; lives with the JVM. */
  private static final NioEventLoopGroup GROUP = new NioEventLoopGroup(1, new DefaultThreadFactory("dial-log", true));

  /** The backoff {@link #options()} sets: from 20 ms, growing 1.6 times a redial, ±20%. */
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(20);

  private record Change(State state, long nanos) {}

  private final List<Change> changes = new ArrayList<>(); // guarded by this
  private final List<Long> connections = new ArrayList<>(); // guarded by this

  @Override
  public synchronized void accept(State state) {
    changes.add(new Change(state, System.nanoTime()));
    notifyAll();
  }

  /** Agent options: this log as a state listener, and a quick backoff growing to 2 s. */
  UnaryOperator<StreamClient.Builder> options() {
    return builder -> builder.backoff(INITIAL_BACKOFF, Duration.ofSeconds(2)).onStateChange(this);
  }

  /** Channel options that record each connection the channel makes (a new socket). */
  UnaryOperator<NettyChannelBuilder> connections() {
    return builder ->
        builder
            .eventLoopGroup(GROUP)
            .channelFactory(
                () -> {
                  connected();
                  return new NioSocketChannel();
                });
  }

  private synchronized void connected() {
    connections.add(System.nanoTime());
    notifyAll();
  }

  /**
   * How many times the agent tried: the streams it opened or the connections its channel
   * made, whichever is more.
   */
  synchronized long tries() {
    return Math.max(dials().size(), connections.size());
  }

  /** The states seen so far, in order. */
  synchronized List<State> states() {
    return changes.stream().map(Change::state).toList();
  }

  /** Waits until {@code state} was seen. */
  synchronized void await(State state) throws InterruptedException {
    long deadline = System.nanoTime() + SecureFleet.WAIT.toNanos();
    while (!states().contains(state)) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("%s within %s; saw %s", state, SecureFleet.WAIT, states()).isPositive();
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /**
   * Waits for the channel's 8th connection (with {@link #connections()} set), then asserts
   * that the agent had it connect again on its backoff, not at once: the seven waits between
   * connections add up to more than 500 ms and the last is longer than the second (at 20 ms
   * growing 1.6 times, ±20%, they add up to at least 690 ms), and no stream was opened past
   * the first dial's.
   */
  synchronized void assertConnectionsBackOff() throws InterruptedException {
    long deadline = System.nanoTime() + SecureFleet.WAIT.toNanos();
    while (connections.size() < 8) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("8 connections within %s; saw %s", SecureFleet.WAIT, connections.size()).isPositive();
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    List<Long> waits = new ArrayList<>();
    for (int i = 1; i < 8; i++) {
      waits.add(connections.get(i) - connections.get(i - 1));
    }
    long total = waits.stream().mapToLong(Long::longValue).sum();
    assertThat(Duration.ofNanos(total)).as("the 7 waits, %s ns", waits).isGreaterThan(Duration.ofMillis(500));
    // Against the second: the first wait holds the first, cold, handshake too.
    assertThat(waits.get(6)).as("the last wait against the second, %s ns", waits).isGreaterThan(waits.get(1));
    assertThat(dials()).as("streams opened while no connection succeeds").hasSizeLessThanOrEqualTo(2);
  }

  /**
   * Waits for the 8th dial, then asserts that the agent backed off between its dials instead
   * of redialing at once: its seven waits (from a stream's end to the next dial) add up to
   * more than 500 ms, and the last is longer than the first. At 20 ms growing 1.6 times a
   * redial, the shortest waits jitter allows add up to 690 ms, the last at least 270 ms;
   * an agent redialing at once would wait about nothing.
   */
  synchronized void assertBacksOff() throws InterruptedException {
    long deadline = System.nanoTime() + SecureFleet.WAIT.toNanos();
    while (dials().size() < 8) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("8 dials within %s; saw %s", SecureFleet.WAIT, states()).isPositive();
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    List<Long> waits = new ArrayList<>();
    long endedAt = -1;
    for (Change change : changes) {
      if (change.state == State.WAITING_TO_RECONNECT) {
        endedAt = change.nanos;
      } else if (change.state == State.CONNECTING && endedAt >= 0 && waits.size() < 7) {
        waits.add(change.nanos - endedAt);
        endedAt = -1;
      }
    }
    assertThat(waits).as("a wait before each of 7 redials, from %s", states()).hasSize(7);
    long total = waits.stream().mapToLong(Long::longValue).sum();
    assertThat(Duration.ofNanos(total)).as("the 7 waits, %s ns", waits).isGreaterThan(Duration.ofMillis(500));
    assertThat(waits.get(6)).as("the last wait against the first, %s ns", waits).isGreaterThan(waits.get(0));
    List<Long> dials = dials();
    assertThat(Duration.ofNanos(dials.get(7) - dials.get(0))).isGreaterThan(Duration.ofMillis(500));
  }

  private List<Long> dials() {
    return changes.stream().filter(change -> change.state == State.CONNECTING).map(Change::nanos).toList();
  }
}
