package dev.agentrpc.reliability.harness;

import com.google.protobuf.StringValue;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import java.time.Duration;
import java.util.List;

/**
 * A controller in a JVM of its own: {@code ControllerMain <port>} serves the stream transport
 * on 127.0.0.1:port (0: any), prints {@code ready port=<port>}, then {@code joined <name>} for
 * every join. On the command {@code callall} it calls every agent's echo and prints
 * {@code callall ok=<n> total=<m>}.
 */
public final class ControllerMain {
  private ControllerMain() {}

  public static void main(String[] args) throws Exception {
    Clients clients = Clients.create();
    clients.subscribe(
        new ClientListener() {
          @Override
          public void onJoin(String client) {
            System.out.println("joined " + client);
          }

          @Override
          public void onLeave(String client) {}
        });
    Controller controller = Controller.start(clients, Integer.parseInt(args[0]));
    System.out.println("ready port=" + controller.port());
    ChildJvm.serveParent(
        command -> {
          if (command.equals("callall")) {
            List<Result<StringValue>> results =
                Calls.await(clients.callAll(StringValue.of("ping"), StringValue.parser(), Duration.ofSeconds(10)));
            long ok = results.stream().filter(Result::isOk).count();
            System.out.println("callall ok=" + ok + " total=" + results.size());
          }
        });
  }
}
