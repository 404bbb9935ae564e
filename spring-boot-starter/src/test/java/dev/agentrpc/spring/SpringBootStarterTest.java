package dev.agentrpc.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.spring.test.AgentApplication;
import dev.agentrpc.spring.test.AgentStates;
import dev.agentrpc.spring.test.FriendlyGreeter;
import dev.agentrpc.spring.test.GreeterProxy;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** A controller context and an agent context, wired only by properties, on 127.0.0.1. */
class SpringBootStarterTest {
  private static final Duration WAIT = Contexts.WAIT;
  private static final String AGENT = "agent-1";

  private final Contexts contexts = new Contexts();

  /** The controller application: it only injects the generated proxy. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ControllerApplication {
    @Bean
    Greetings greetings(GreeterProxy greeter) {
      return new Greetings(greeter);
    }
  }

  /** A bean of the controller's that calls agents through the injected proxy. */
  record Greetings(GreeterProxy greeter) {
    String greet(String agent, String name) {
      return greeter.greet(agent, StringValue.of(name)).getValue();
    }
  }

  @AfterEach
  void closeContexts() {
    contexts.close();
  }

  private ConfigurableApplicationContext run(Class<?> application, String... properties) {
    return contexts.run(application, properties);
  }

  private ConfigurableApplicationContext controller() {
    return run(ControllerApplication.class, "agentrpc.server.port=0");
  }

  private ConfigurableApplicationContext agentOf(
      ConfigurableApplicationContext controller, String... more) throws Exception {
    return contexts.agentOf(controller, AgentApplication.class, AGENT, more);
  }

  @Test
  void controllerCallsTheAgentThroughTheInjectedProxy() throws Exception {
    ConfigurableApplicationContext controller = controller();
    agentOf(controller);

    assertThat(controller.getBean(Greetings.class).greet(AGENT, "world")).isEqualTo("hello world");
  }

  @Test
  void boundPortIsPublishedAsAPropertyAndByTheServerBean() {
    ConfigurableApplicationContext controller = controller();

    int port = controller.getBean(AgentRpcServer.class).port();
    assertThat(port).isPositive();
    assertThat(controller.getEnvironment().getProperty(AgentRpcServer.LOCAL_PORT_PROPERTY))
        .isEqualTo(Integer.toString(port));
  }

  @Test
  void closingTheAgentContextFailsItsPendingCallAndTheAgentLeaves() throws Exception {
    ConfigurableApplicationContext controller = controller();
    ConfigurableApplicationContext agent = agentOf(controller);
    Clients clients = controller.getBean(Clients.class);
    CountDownLatch left = new CountDownLatch(1);
    clients.subscribe(
        new ClientListener() {
          @Override
          public void onLeave(String client) {
            if (client.equals(AGENT)) {
              left.countDown();
            }
          }
        });
    FriendlyGreeter greeter = agent.getBean(FriendlyGreeter.class);
    CompletableFuture<Int32Value> pending =
        controller.getBean(GreeterProxy.class).async().hold(AGENT, Int32Value.of(1));
    assertThat(greeter.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(clients.pendingCalls()).isEqualTo(1);

    agent.close();

    assertThatThrownBy(() -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(left.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(clients.pendingCalls()).isZero();
    assertThat(clients.names()).doesNotContain(AGENT);
    assertThat(greeter.cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void agentLabelsReachTheController() throws Exception {
    ConfigurableApplicationContext controller = controller();
    agentOf(controller, "agentrpc.agent.labels.region=eu", "agentrpc.agent.labels.role=web");

    assertThat(controller.getBean(Clients.class).info(AGENT).labels())
        .containsEntry("region", "eu")
        .containsEntry("role", "web");
  }

  @Test
  void defaultTimeoutComesFromTheProperties() {
    ConfigurableApplicationContext controller =
        run(
            ControllerApplication.class,
            "agentrpc.server.enabled=true",
            "agentrpc.server.default-timeout=3s");

    assertThat(controller.getBean(Clients.class).defaultTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void healthIsUpWhileRunningAndDownOnceClosed() throws Exception {
    ConfigurableApplicationContext controller = controller();
    ConfigurableApplicationContext agent = agentOf(controller);
    HealthIndicator server =
        controller.getBean("agentRpcServerHealthIndicator", HealthIndicator.class);
    HealthIndicator agentHealth =
        agent.getBean("agentRpcAgentHealthIndicator", HealthIndicator.class);

    // The controller may see the Hello before the agent marks itself connected.
    assertThat(agent.getBean(AgentStates.class).connected.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isTrue();

    assertThat(server.health().getStatus()).isEqualTo(Status.UP);
    assertThat(agentHealth.health().getStatus()).isEqualTo(Status.UP);

    controller.getBean(Clients.class).close();

    assertThat(server.health().getStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void withoutPropertiesNeitherSideIsConfigured() {
    ConfigurableApplicationContext context = run(AgentApplication.class);

    assertThat(context.getBeansOfType(Clients.class)).isEmpty();
    assertThat(context.getBeansOfType(AgentRpcServer.class)).isEmpty();
    assertThat(context.getBeansOfType(AgentRpcAgent.class)).isEmpty();
  }

  @Test
  void enabledFalseTurnsTheControllerOffDespiteAPort() {
    ConfigurableApplicationContext context =
        run(AgentApplication.class, "agentrpc.server.port=0", "agentrpc.server.enabled=false");

    assertThat(context.getBeansOfType(Clients.class)).isEmpty();
    assertThat(context.getBeansOfType(GreeterProxy.class)).isEmpty();
  }
}
