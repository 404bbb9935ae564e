package dev.agentrpc.spring;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ChannelCredentials;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ReflectionUtils;

/**
 * The agent: a {@link HandlerRegistry} serving every bean that implements an indexed
 * {@code @AgentService} interface (through its generated {@code XHandlers.register}), the {@link
 * AgentRpcAgent} that dials the controller once the context refreshed, and a health indicator when
 * Spring Boot's health support is present. On when {@code agentrpc.agent.name} and {@code
 * agentrpc.agent.target} are set; see {@link AgentRpcAgentProperties}.
 */
@AutoConfiguration(after = {SslAutoConfiguration.class, AgentRpcServerAutoConfiguration.class})
@ConditionalOnProperty(prefix = "agentrpc.agent", name = {"name", "target"})
@EnableConfigurationProperties(AgentRpcAgentProperties.class)
public class AgentRpcAgentAutoConfiguration {

  /**
   * The handlers: for each indexed interface, the bean implementing it, registered through its
   * {@code XHandlers.register}. An application defining its own registry registers by hand.
   */
  @Bean
  @ConditionalOnMissingBean
  public HandlerRegistry agentRpcHandlerRegistry(ConfigurableListableBeanFactory beans) {
    HandlerRegistry registry = new HandlerRegistry();
    ClassLoader classLoader = beans.getBeanClassLoader();
    if (classLoader == null) {
      classLoader = AgentRpcAgentAutoConfiguration.class.getClassLoader();
    }
    for (ServiceIndex.Service service : ServiceIndex.load(classLoader)) {
      Map<String, ?> implementations = beans.getBeansOfType(service.service());
      if (implementations.isEmpty()) {
        continue;
      }
      if (implementations.size() > 1) {
        throw new IllegalStateException(
            String.format(
                "agentrpc: an agent serves one implementation of %s, but the beans %s implement"
                    + " it; keep one, or define a HandlerRegistry bean and register by hand",
                service.service().getName(), implementations.keySet()));
      }
      register(service, registry, implementations.values().iterator().next());
    }
    return registry;
  }

  private static void register(
      ServiceIndex.Service service, HandlerRegistry registry, Object implementation) {
    Method register =
        ReflectionUtils.findMethod(
            service.handlers(), "register", HandlerRegistry.class, service.service());
    if (register == null) {
      throw new IllegalStateException(
          service.handlers().getName()
              + " has no register(HandlerRegistry, "
              + service.service().getName()
              + ")");
    }
    ReflectionUtils.makeAccessible(register);
    try {
      register.invoke(null, registry, implementation);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      ReflectionUtils.rethrowRuntimeException(e.getCause());
    }
  }

  /**
   * The agent's stream to its controller, dialed once the context refreshed, with every {@link
   * AgentRpcAgentCustomizer} applied.
   */
  @Bean
  @ConditionalOnMissingBean
  public AgentRpcAgent agentRpcAgent(
      AgentRpcAgentProperties properties,
      HandlerRegistry registry,
      ObjectProvider<SslBundles> sslBundles,
      ObjectProvider<AgentRpcAgentCustomizer> customizers) {
    SslBundle bundle =
        SslCredentials.bundle(
            sslBundles, "agentrpc.agent.ssl.bundle", properties.getSsl().getBundle());
    ChannelCredentials credentials = bundle == null ? null : SslCredentials.channel(bundle);
    return new AgentRpcAgent(
        properties, registry, credentials, customizers.orderedStream().toList());
  }

  /** The health indicator, only with Spring Boot's health support. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {
    /** UP while the agent's stream is connected; DOWN otherwise, with its state and last end. */
    @Bean
    @ConditionalOnMissingBean(name = "agentRpcAgentHealthIndicator")
    HealthIndicator agentRpcAgentHealthIndicator(AgentRpcAgent agent) {
      return () -> {
        StreamClient.State state =
            agent.client().map(StreamClient::state).orElse(StreamClient.State.CLOSED);
        Health.Builder health =
            state == StreamClient.State.CONNECTED ? Health.up() : Health.down();
        health.withDetail("name", agent.name()).withDetail("state", state.name());
        agent
            .client()
            .map(StreamClient::lastEnd)
            .ifPresent(end -> health.withDetail("lastEnd", end.toString()));
        return health.build();
      };
    }
  }
}
