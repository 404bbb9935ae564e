package dev.agentrpc.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import dev.agentrpc.example.agent.SleepObserver;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.example.security.ControllerSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A controller on 127.0.0.1:0 and agents dialing it over real gRPC, each with its own root
 * below {@code dir} holding {@code hello.txt} and {@code logs/}.
 */
public final class TestFleet implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(20);

  private final FleetController controller;
  private final List<AgentRunner> agents = new ArrayList<>();

  private TestFleet(FleetController controller) {
    this.controller = controller;
  }

  /** Starts the controller and {@code names} agents, and waits until all joined. */
  public static TestFleet start(Path dir, SleepObserver sleeps, String... names) throws Exception {
    TestFleet fleet = new TestFleet(FleetController.start("127.0.0.1", 0, null));
    try {
      for (String name : names) {
        fleet.addAgent(name, root(dir, name), sleeps);
      }
      assertThat(fleet.controller.awaitAgents(List.of(names), WAIT)).as("all agents joined").isTrue();
      return fleet;
    } catch (Exception | Error e) {
      fleet.close();
      throw e;
    }
  }

  /** A root for {@code name} below {@code dir}, with a file and a directory in it. */
  public static Path root(Path dir, String name) throws IOException {
    Path root = Files.createDirectories(dir.resolve(name));
    Files.createDirectories(root.resolve("logs"));
    Files.writeString(root.resolve("hello.txt"), "hello from " + name + "\n");
    return root;
  }

  /**
   * Starts a controller serving the fleet page too, and an agent per entry of {@code agents}
   * declaring its labels, and waits until all joined.
   */
  public static TestFleet startLabelled(Path dir, SleepObserver sleeps, Map<String, Map<String, String>> agents)
      throws Exception {
    TestFleet fleet =
        new TestFleet(FleetController.start("127.0.0.1", 0, -1, 0, null, ControllerSecurity.plaintext()));
    try {
      for (Map.Entry<String, Map<String, String>> agent : agents.entrySet()) {
        fleet.addAgent(agent.getKey(), root(dir, agent.getKey()), sleeps, agent.getValue());
      }
      assertThat(fleet.controller.awaitAgents(agents.keySet(), WAIT)).as("all agents joined").isTrue();
      return fleet;
    } catch (Exception | Error e) {
      fleet.close();
      throw e;
    }
  }

  /** Starts one more agent dialing this controller. */
  public AgentRunner addAgent(String name, Path root, SleepObserver sleeps) throws IOException {
    return addAgent(name, root, sleeps, Map.of());
  }

  /** Starts one more agent dialing this controller, declaring {@code labels}. */
  public AgentRunner addAgent(String name, Path root, SleepObserver sleeps, Map<String, String> labels)
      throws IOException {
    AgentRunner runner =
        AgentRunner.newBuilder(name, "127.0.0.1:" + controller.port(), SandboxRoot.of(root))
            .labels(labels)
            .sleepObserver(sleeps)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .start();
    agents.add(runner);
    return runner;
  }

  public FleetController controller() {
    return controller;
  }

  public AgentFunctionsProxy proxy() {
    return controller.agents();
  }

  @Override
  public void close() {
    for (AgentRunner agent : agents) {
      agent.close();
    }
    controller.close();
  }
}
