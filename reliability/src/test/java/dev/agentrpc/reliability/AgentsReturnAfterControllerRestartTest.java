package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.ChildJvm;
import dev.agentrpc.reliability.harness.ControllerMain;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Promise: after a controller outage, every agent is back within its maximum backoff plus
 * jitter once the controller listens again. 200 agents in this JVM share one event-loop
 * group; the controller runs in a JVM of its own, is killed (SIGKILL), stays down, and is
 * started again on the same port.
 */
class AgentsReturnAfterControllerRestartTest {
  private static final int AGENTS = 200;
  private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  /** The maximum backoff, its +20% jitter, and 5 s of slack for 200 agents on 2 cores. */
  private static final Duration BACK_WITHIN = MAX_BACKOFF.plus(MAX_BACKOFF.dividedBy(5)).plusSeconds(5);
  /** How long the controller stays down. */
  private static final Duration DOWN = Form.seconds(5, 30);
  /** How long the test collects joins after the restart, to report even an agent that is late. */
  private static final Duration COLLECT = Duration.ofSeconds(90);
  private static final List<String> CONTROLLER_JVM = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<ChildJvm> controllers = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    agents.forEach(StreamClient::close);
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    for (ChildJvm controller : controllers) {
      controller.close();
    }
  }

  @Test
  void everyAgentIsBackWithinTheMaximumBackoffOnceTheControllerListensAgain() throws Exception {
    Figures figures = new Figures("restart");
    ChildJvm first = startController(0);
    int port = Integer.parseInt(ChildJvm.pairs(first.awaitLine("ready", Duration.ofSeconds(30)).text()).get("port"));
    Handlers handlers = new Handlers();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      String name = String.format("agent-%03d", i);
      names.add(name);
      ManagedChannel channel =
          Agents.channel(port, builder -> builder.eventLoopGroup(group).channelType(NioSocketChannel.class));
      channels.add(channel);
      agents.add(
          StreamClient.newBuilder(channel, name, handlers.registry(name))
              .backoff(INITIAL_BACKOFF, MAX_BACKOFF)
              .start());
    }
    long firstReady = System.nanoTime();
    Map<String, Long> firstJoins = collectJoins(first, names, Duration.ofSeconds(60));
    assertThat(firstJoins).as("agents joined the first controller").hasSize(AGENTS);
    figures.record("agents", AGENTS);
    figures.record("first_join_all_ms", Figures.millis(max(firstJoins) - firstReady));

    first.kill();
    long killed = System.nanoTime();
    long noticed =
        Await.until(
            "every agent to notice the controller died",
            Duration.ofSeconds(15),
            () -> agents.stream().noneMatch(a -> a.state() == StreamClient.State.CONNECTED));
    figures.record("all_agents_noticed_kill_ms", Figures.millis(noticed));
    // The outage itself: the controller stays down this long.
    LockSupport.parkNanos(DOWN.toNanos() - (System.nanoTime() - killed));
    figures.record("down_s", DOWN.toSeconds());

    ChildJvm second = startController(port);
    long up = second.awaitLine("ready", Duration.ofSeconds(30)).nanos();
    Map<String, Long> joins = collectJoins(second, names, COLLECT);
    List<Long> back = new ArrayList<>();
    for (long joined : joins.values()) {
      back.add(Math.max(0, joined - up));
    }
    back.sort(null);
    figures.record("back_count", back.size());
    if (!back.isEmpty()) {
      figures.record("back_p50_ms", Figures.millis(back.get(back.size() / 2)));
      figures.record("back_p90_ms", Figures.millis(back.get(back.size() * 9 / 10)));
      figures.record("back_max_ms", Figures.millis(back.get(back.size() - 1)));
    }
    figures.record("bound_ms", BACK_WITHIN.toMillis());
    assertThat(back).as("agents back after the restart").hasSize(AGENTS);
    assertThat(back.get(back.size() - 1))
        .as("the last agent back after the restart, in ns")
        .isLessThanOrEqualTo(BACK_WITHIN.toNanos());

    Map<String, String> callAll = second.ask("callall", "callall", Duration.ofSeconds(30));
    assertThat(callAll).containsEntry("ok", String.valueOf(AGENTS)).containsEntry("total", String.valueOf(AGENTS));
  }

  private ChildJvm startController(int port) throws Exception {
    ChildJvm controller =
        ChildJvm.start("restart-controller-" + (controllers.size() + 1), CONTROLLER_JVM, ControllerMain.class, String.valueOf(port));
    controllers.add(controller);
    return controller;
  }

  /** When each of {@code names} joined, as far as they did within {@code timeout}. */
  private static Map<String, Long> collectJoins(ChildJvm controller, List<String> names, Duration timeout)
      throws InterruptedException {
    Map<String, Long> joins = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (joins.size() < names.size()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      ChildJvm.Line line = controller.nextLine(Duration.ofNanos(left));
      if (line != null && line.text().startsWith("joined ")) {
        joins.putIfAbsent(line.text().substring("joined ".length()), line.nanos());
      }
    }
    return joins;
  }

  private static long max(Map<String, Long> times) {
    return times.values().stream().mapToLong(Long::longValue).max().orElseThrow();
  }
}
