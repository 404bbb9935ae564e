package dev.agentrpc.cluster.testing;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.server.Result;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A controller replica in a JVM of its own, for the tests that kill one: prints {@code PORT
 * <port>} once it serves, then answers commands from stdin, one line each, {@code <id>
 * <command> <args>}, with lines starting {@code <id>}:
 *
 * <ul>
 *   <li>{@code CALL <name>}: {@code OK <reply>} or {@code ERR <code> <description>};
 *   <li>{@code CALLALL}: {@code ALL <answered names, comma-separated> <count of others>};
 *   <li>{@code HOLD <name> <ms> <timeoutMs>}: {@code DONE <code> <elapsed ms>} when the call ends;
 *   <li>{@code LOCAL}, {@code LIST}: the names connected here, or known anywhere.
 * </ul>
 *
 * <p>Arguments: the Redis URI, the cluster's key prefix, this replica's id, the lease in ms.
 */
public final class ReplicaMain {
  private ReplicaMain() {}

  public static void main(String[] args) throws Exception {
    Replica replica = Replica.start(args[0], args[1], args[2], Duration.ofMillis(Long.parseLong(args[3])));
    System.out.println("PORT " + replica.port());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.split(" ");
      String id = words[0];
      switch (words[1]) {
        case "CALL" -> replica.clients()
            .call(words[2], StringValue.of("hi"), StringValue.parser(), Duration.ofSeconds(2))
            .whenComplete((reply, failure) ->
                answer(id, failure == null ? "OK " + reply.getValue() : "ERR " + describe(failure)));
        case "CALLALL" -> replica.clients()
            .callAll(StringValue.of("all"), StringValue.parser(), Duration.ofSeconds(5))
            .whenComplete((results, failure) -> answer(id, failure != null ? "ERR " + describe(failure) : all(results)));
        case "HOLD" -> {
          long start = System.nanoTime();
          replica.clients()
              .call(words[2], Int64Value.of(Long.parseLong(words[3])), Int64Value.parser(),
                  Duration.ofMillis(Long.parseLong(words[4])))
              .whenComplete((reply, failure) -> answer(id, "DONE "
                  + (failure == null ? "OK" : Status.fromThrowable(unwrap(failure)).getCode())
                  + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
        case "LOCAL" -> answer(id, "LOCAL " + String.join(",", replica.clients().names()));
        case "LIST" -> answer(id, "LIST " + String.join(",",
            replica.clients().list().stream().map(c -> c.name()).toList()));
        default -> answer(id, "ERR unknown command " + words[1]);
      }
    }
    replica.close();
  }

  private static String all(List<Result<StringValue>> results) {
    List<String> answered = results.stream().filter(r -> r.outcome() == Result.Outcome.ANSWERED).map(Result::client).sorted().toList();
    return "ALL " + String.join(",", answered) + " " + (results.size() - answered.size());
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private static String describe(Throwable failure) {
    Status status = Status.fromThrowable(unwrap(failure));
    return status.getCode() + " " + status.getDescription();
  }

  private static void answer(String id, String text) {
    System.out.println(id + " " + text.replace('\n', ' '));
    System.out.flush();
  }
}
