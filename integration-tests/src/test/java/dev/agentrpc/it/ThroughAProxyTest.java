package dev.agentrpc.it;

import static dev.agentrpc.it.TransportConformanceTest.echo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.http.HttpPollTransport;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real proxy: Debian's nginx, HTTP/1.1 only, cutting reads idle for 5 s, in front
 * of the controller. Long-poll agents over HTTP/1.1 stay joined and answer for over 30 s; a
 * stream agent cannot even join. CI installs nginx and sets AGENTRPC_REQUIRE_NGINX, so there
 * this test never skips; elsewhere it skips when nginx is not installed.
 */
class ThroughAProxyTest {
  private static final Duration PROXY_READ_TIMEOUT = Duration.ofSeconds(5);
  /** Idle gaps longer than the proxy's read timeout, for over 30 s in all. */
  private static final Duration GAP = Duration.ofSeconds(7);
  private static final int ROUNDS = 5;

  @TempDir Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void longPollOverHttpPassesAnHttp11ProxyThatCutsIdleReadsAndTheStreamDoesNot() throws Exception {
    if (System.getenv("AGENTRPC_REQUIRE_NGINX") == null) {
      Assumptions.assumeTrue(Nginx.installed(), "nginx is not installed (CI installs it)");
    }
    // The controller's default: it would hold a poll 25 s, five times the proxy's timeout.
    Controller controller = Controller.start(Clients.create(), options -> options.maxWait(Duration.ofSeconds(25)));
    resources.add(controller);
    Nginx toHttp = Nginx.start(Files.createDirectories(dir.resolve("http")), controller.pollUri().getPort(), PROXY_READ_TIMEOUT);
    resources.add(toHttp);
    Nginx toGrpc = Nginx.start(Files.createDirectories(dir.resolve("grpc")), controller.grpcPort(), PROXY_READ_TIMEOUT);
    resources.add(toGrpc);
    AtomicInteger leaves = new AtomicInteger();
    resources.add(
        controller.clients.subscribe(
            new ClientListener() {
              @Override
              public void onLeave(String client) {
                leaves.incrementAndGet();
              }
            }));

    URI poll = toHttp.uri(controller.pollUri().getPath());
    // As docs/transports.md advises: holds shorter than the proxy's timeout...
    resources.add(
        PollClient.longPoll(HttpPollTransport.create(poll), "agent-a", registry("agent-a"))
            .maxWait(Duration.ofSeconds(3))
            .backoff(Transport.BACKOFF, Transport.MAX_BACKOFF)
            .start());
    // ...and one left at 25 s, whose held polls the proxy cuts: it polls again and stays.
    resources.add(
        PollClient.longPoll(HttpPollTransport.create(poll), "agent-b", registry("agent-b"))
            .backoff(Transport.BACKOFF, Transport.MAX_BACKOFF)
            .start());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", toGrpc.port()).usePlaintext().build();
    resources.add(() -> channel.shutdownNow().awaitTermination(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    StreamClient stream =
        StreamClient.newBuilder(channel, "agent-stream", registry("agent-stream"))
            .backoff(Transport.BACKOFF, Transport.MAX_BACKOFF)
            .start();
    resources.add(stream);
    controller.awaitJoined("agent-a", "agent-b");
    AgentFunctionsProxy proxy = AgentFunctionsProxy.of(controller.clients);

    long start = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      if (round > 0) {
        LockSupport.parkNanos(GAP.toNanos()); // idle: the proxy cuts what is held longer than 5 s
      }
      assertThat(proxy.echo("agent-a", echo("round " + round)).getText()).isEqualTo("agent-a: round " + round);
      assertThat(proxy.echo("agent-b", echo("round " + round)).getText()).isEqualTo("agent-b: round " + round);
      List<Result<EchoReply>> all = proxy.all().echo(echo("all"));
      assertThat(all).extracting(Result::client).containsExactlyInAnyOrder("agent-a", "agent-b");
      assertThat(all).allSatisfy(result -> assertThat(result.isOk()).isTrue());
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(28));
    assertThat(leaves.get()).as("no HTTP agent left its session through the proxy").isZero();
    assertThat(controller.clients.isConnected("agent-stream")).as("the stream never passed").isFalse();
    assertThat(stream.state()).isNotEqualTo(StreamClient.State.CONNECTED);
    assertThat(stream.lastEnd()).as("the stream tried, and failed").isNotNull();
  }

  private static HandlerRegistry registry(String name) {
    return AgentFunctionsHandlers.register(new HandlerRegistry(), new TestAgent(name));
  }
}
