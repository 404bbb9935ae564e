package dev.agentrpc.spring;

import dev.agentrpc.server.Clients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The application contexts of one test, configured by properties only; closes them all. */
final class Contexts implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  /** Runs {@code application} (no web server) with {@code properties}. */
  ConfigurableApplicationContext run(Class<?> application, String... properties) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(application)
            .web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off")
            .properties(properties)
            .run();
    contexts.add(context);
    return context;
  }

  /**
   * Runs {@code application} as agent {@code name} dialing the controller context's actual port
   * (its {@value AgentRpcServer#LOCAL_PORT_PROPERTY}), and waits until the controller has it.
   */
  ConfigurableApplicationContext agentOf(
      ConfigurableApplicationContext controller,
      Class<?> application,
      String name,
      String... properties)
      throws InterruptedException, TimeoutException {
    String port = controller.getEnvironment().getProperty(AgentRpcServer.LOCAL_PORT_PROPERTY);
    List<String> all = new ArrayList<>();
    all.add("agentrpc.agent.name=" + name);
    all.add("agentrpc.agent.target=127.0.0.1:" + port);
    all.addAll(List.of(properties));
    ConfigurableApplicationContext agent = run(application, all.toArray(String[]::new));
    controller.getBean(Clients.class).awaitConnected(List.of(name), WAIT);
    return agent;
  }

  @Override
  public void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }
}
