package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.ConnectFuzzer;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.reliability.harness.Load;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Promise: no session outlives its stream, however the stream ends, and hostile streams do not
 * disturb well-behaved agents. Fuzzers write random, truncated, mutated and out-of-order
 * messages and garbage bytes on raw Connect streams while the controller makes call-alls over
 * three well-behaved agents.
 */
class FuzzedStreamsLeaveNoSessionTest {
  private static final Duration RUN = Form.seconds(10, 60);
  private static final int FUZZERS = 2;
  private static final int CHANNELS_PER_FUZZER = 4;
  private static final int MAX_PARKED_PER_FUZZER = 4;
  private static final List<String> GOOD = List.of("good-0", "good-1", "good-2");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  /** A call-all ends within its timeout plus this. */
  private static final Duration LATE = Duration.ofSeconds(1);
  private static final Duration SESSIONS_GONE_WITHIN = Duration.ofSeconds(5);

  @Test
  void fuzzedStreamsLeaveNoSessionAndEveryCallAllOfTheGoodAgentsCompletes() throws Exception {
    Figures figures = new Figures("fuzz");
    long seed = Long.getLong("reliability.seed", System.nanoTime());
    figures.record("seed", seed);
    Handlers handlers = new Handlers();
    LongAdder goodDropped = new LongAdder();
    List<ManagedChannel> channels = new ArrayList<>();
    List<StreamClient> agents = new ArrayList<>();
    try (Controller controller = Controller.start(Clients.create())) {
      Clients clients = controller.clients();
      for (String name : GOOD) {
        ManagedChannel channel = Agents.channel(controller.port());
        channels.add(channel);
        agents.add(
            StreamClient.newBuilder(channel, name, handlers.registry(name))
                .onStateChange(
                    state -> {
                      if (state == StreamClient.State.WAITING_TO_RECONNECT) {
                        goodDropped.increment();
                      }
                    })
                .start());
      }
      clients.awaitConnected(GOOD, Duration.ofSeconds(10));

      ConnectFuzzer.Tally tally = new ConnectFuzzer.Tally();
      List<ConnectFuzzer> fuzzers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      long end = System.nanoTime() + RUN.toNanos();
      for (int f = 0; f < FUZZERS; f++) {
        ManagedChannel[] fuzzChannels = new ManagedChannel[CHANNELS_PER_FUZZER];
        for (int c = 0; c < fuzzChannels.length; c++) {
          fuzzChannels[c] = Agents.channel(controller.port());
          channels.add(fuzzChannels[c]);
        }
        ConnectFuzzer fuzzer = new ConnectFuzzer(seed + f, fuzzChannels, MAX_PARKED_PER_FUZZER, tally);
        fuzzers.add(fuzzer);
        threads.add(Load.until(end, "fuzzer-" + f, Duration.ofMillis(2), fuzzer::fuzzOne));
      }

      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      // Failed calls to the good agents are counted, not failures of the test: on two busy
      // cores the fuzzers can starve them past a timeout. Their streams must never drop.
      LongAdder goodFailures = new LongAdder();
      LongAdder callAlls = new LongAdder();
      LongAdder callAllsDone = new LongAdder();
      AtomicLong worstCallAllNanos = new AtomicLong();
      threads.add(
          Load.until(
              end,
              "call-all",
              Duration.ofMillis(100),
              () -> {
                long start = System.nanoTime();
                callAlls.increment();
                clients
                    .callAll(StringValue.of("hi"), StringValue.parser(), CALL_TIMEOUT)
                    .whenComplete(
                        (results, failure) -> {
                          long took = System.nanoTime() - start;
                          worstCallAllNanos.accumulateAndGet(took, Math::max);
                          if (took > CALL_TIMEOUT.plus(LATE).toNanos()) {
                            problems.add("a call-all took " + Figures.millis(took) + " ms");
                          }
                          if (failure != null) {
                            problems.add("a call-all failed: " + failure);
                          } else {
                            checkGoodResults(results, problems, goodFailures);
                          }
                          callAllsDone.increment();
                        });
              }));
      LongAdder calls = new LongAdder();
      threads.add(
          Load.until(
              end,
              "caller",
              Duration.ofMillis(10),
              () -> {
                String name = GOOD.get((int) (calls.sum() % GOOD.size()));
                calls.increment();
                try {
                  Calls.await(clients.call(name, StringValue.of("x"), StringValue.parser(), CALL_TIMEOUT));
                } catch (RuntimeException e) {
                  goodFailures.increment();
                }
              }));
      for (Thread thread : threads) {
        thread.join(RUN.plusSeconds(30).toMillis());
        assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
      }
      Await.until(
          "every call-all to complete",
          CALL_TIMEOUT.plus(LATE).plusSeconds(5),
          () -> callAllsDone.sum() == callAlls.sum(),
          () -> (callAlls.sum() - callAllsDone.sum()) + " of " + callAlls.sum() + " call-alls still open");

      figures.record("run_s", RUN.toSeconds());
      figures.record("streams", tally.opened());
      figures.record("messages", tally.messages());
      figures.record("endings", tally.endings().toString().replace(" ", ""));
      figures.record("closes_seen_by_fuzzer", tally.closes().toString().replace(" ", ""));
      figures.record("unknown_responses", clients.unknownResponses());
      figures.record("call_alls", callAlls.sum());
      figures.record("call_all_worst_ms", Figures.millis(worstCallAllNanos.get()));
      figures.record("single_calls", calls.sum());
      figures.record("good_agent_failed_results", goodFailures.sum());
      figures.record("good_agent_streams_dropped", goodDropped.sum());

      // Streams that ended, whatever ended them, while others are still open: no session left.
      Set<String> ended = tally.namesOfEndedStreams();
      awaitNoSession(clients, figures, "ghost_sessions_of_ended_streams", "ended fuzz streams", ended::contains);
      fuzzers.forEach(ConnectFuzzer::cancelParked);
      awaitNoSession(clients, figures, "fuzz_sessions_left_after_cancel", "any fuzz stream", name -> !GOOD.contains(name));
      assertThat(problems).as("what went wrong for the good agents' call-alls").isEmpty();
      assertThat(goodDropped.sum()).as("times a good agent's stream dropped").isZero();
      assertThat(callAllsDone.sum()).isEqualTo(callAlls.sum()).isPositive();
      assertThat(clients.names()).containsExactlyInAnyOrderElementsOf(GOOD);
    } finally {
      agents.forEach(StreamClient::close);
      channels.forEach(ManagedChannel::shutdownNow);
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until no session in {@code clients} is {@code unwanted}; records how many were left. */
  private static void awaitNoSession(
      Clients clients, Figures figures, String figure, String whose, Predicate<String> unwanted) {
    Set<String> left = new TreeSet<>();
    try {
      Await.until(
          "the sessions of " + whose + " to leave Clients",
          SESSIONS_GONE_WITHIN,
          () -> {
            left.clear();
            clients.names().stream().filter(unwanted).forEach(left::add);
            return left.isEmpty();
          },
          () -> left.size() + " left, the first: " + left.stream().limit(20).toList());
    } finally {
      figures.record(figure, left.size());
    }
  }

  private static void checkGoodResults(
      List<Result<StringValue>> results, ConcurrentLinkedQueue<String> problems, LongAdder goodFailures) {
    Set<String> good = new TreeSet<>();
    for (Result<StringValue> result : results) {
      if (GOOD.contains(result.client())) {
        good.add(result.client());
        if (!result.isOk()) {
          goodFailures.increment();
        }
      }
    }
    if (good.size() != GOOD.size()) {
      problems.add("a call-all missed good agents: it had " + good);
    }
  }
}
