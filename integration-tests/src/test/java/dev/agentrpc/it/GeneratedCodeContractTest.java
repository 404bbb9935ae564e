package dev.agentrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the generated classes promise before any call is made. */
class GeneratedCodeContractTest {
  private final Clients clients = Clients.create();
  private final AgentFunctionsProxy proxy = AgentFunctionsProxy.of(clients);

  @AfterEach
  void closeClients() {
    clients.close();
  }

  @Test
  void handlersRegisterEveryMethodUnderItsRequestType() {
    HandlerRegistry registry = new HandlerRegistry();

    assertThat(AgentFunctionsHandlers.register(registry, new TestAgent("a"))).isSameAs(registry);
    assertThat(registry.requestTypes())
        .containsExactly(
            "agentrpc.it.v1.EchoRequest",
            "agentrpc.it.v1.HangRequest",
            "agentrpc.it.v1.LengthRequest",
            "agentrpc.it.v1.SumRequest");
  }

  @Test
  void handlersRefuseARegistryThatAlreadyServesTheirRequestTypes() {
    HandlerRegistry registry =
        AgentFunctionsHandlers.register(new HandlerRegistry(), new TestAgent("a"));

    assertThatThrownBy(() -> AgentFunctionsHandlers.register(registry, new TestAgent("b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("agentrpc.it.v1.EchoRequest");
  }

  @Test
  void withTimeoutRejectsNullZeroAndNegativeTimeouts() {
    assertThatThrownBy(() -> proxy.withTimeout(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> proxy.withTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withTimeoutReturnsACopy() {
    AgentFunctionsProxy patient = proxy.withTimeout(Duration.ofMinutes(1));

    assertThat(patient).isNotSameAs(proxy);
  }

  @Test
  void withExecutorReturnsACopy() {
    AgentFunctionsProxy direct = proxy.withExecutor(Runnable::run);

    assertThat(direct).isNotSameAs(proxy);
  }

  @Test
  void nullArgumentsAreRefusedAtOnce() {
    assertThatThrownBy(() -> AgentFunctionsProxy.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> proxy.forClient(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> proxy.withExecutor(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> proxy.fanOut(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("options");
    assertThatThrownBy(() -> AgentFunctionsHandlers.register(new HandlerRegistry(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void forClientNamesItsClient() {
    assertThat(proxy.forClient("agent-a")).hasToString("AgentFunctions of client agent-a");
  }
}
