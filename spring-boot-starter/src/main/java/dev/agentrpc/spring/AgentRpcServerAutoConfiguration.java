package dev.agentrpc.spring;

import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.server.identity.JoinPolicy;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The controller: a {@link Clients}, the Connect service on a Netty server ({@link
 * AgentRpcServer}), one bean per generated {@code XProxy} on the classpath, and a health
 * indicator when Spring Boot's health support is present. On when {@code agentrpc.server.port} is
 * set or {@code agentrpc.server.enabled} is {@code true}; see {@link AgentRpcServerProperties}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@Conditional(OnServerEnabled.class)
@EnableConfigurationProperties(AgentRpcServerProperties.class)
public class AgentRpcServerAutoConfiguration {

  /** The controller's calls; the application may define its own (with observers, say). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Clients agentRpcClients(AgentRpcServerProperties properties) {
    Clients.Builder clients = Clients.newBuilder();
    if (properties.getDefaultTimeout() != null) {
      clients.defaultTimeout(properties.getDefaultTimeout());
    }
    if (properties.getMaxInFlightPerClient() != null) {
      clients.maxInFlightPerClient(properties.getMaxInFlightPerClient());
    }
    return clients.build();
  }

  /** The Connect service agents dial, with the join policy {@code agentrpc.server.identity} names. */
  @Bean
  @ConditionalOnMissingBean
  public StreamServer agentRpcStreamServer(Clients clients, AgentRpcServerProperties properties) {
    return StreamServer.newBuilder(clients).joinPolicy(joinPolicy(properties)).build();
  }

  /** The Netty server, started once the context refreshed. */
  @Bean
  @ConditionalOnMissingBean
  public AgentRpcServer agentRpcServer(
      Clients clients,
      StreamServer service,
      AgentRpcServerProperties properties,
      ObjectProvider<SslBundles> sslBundles,
      ConfigurableEnvironment environment) {
    SslBundle bundle =
        SslCredentials.bundle(
            sslBundles, "agentrpc.server.ssl.bundle", properties.getSsl().getBundle());
    ServerCredentials credentials =
        bundle == null ? null : SslCredentials.server(bundle, properties.getSsl().getClientAuth());
    int port = properties.getPort() == null ? 0 : properties.getPort();
    return new AgentRpcServer(
        clients,
        service,
        new InetSocketAddress(properties.getAddress(), port),
        credentials,
        properties.getShutdownTimeout(),
        environment);
  }

  /** Registers a bean per indexed {@code XProxy}, made by its {@code of(Clients)}. */
  @Bean
  public static ProxyRegistrar agentRpcProxyRegistrar() {
    return new ProxyRegistrar();
  }

  private static JoinPolicy joinPolicy(AgentRpcServerProperties properties) {
    return switch (properties.getIdentity()) {
      case ANY_NAME -> JoinPolicies.anyName();
      case CERTIFICATE_NAMES -> JoinPolicies.certificateNames();
      case BEARER_TOKENS -> {
        if (properties.getTokens().isEmpty()) {
          throw new IllegalStateException(
              "agentrpc.server.identity=bearer-tokens needs agentrpc.server.tokens.<token>=<names>");
        }
        yield JoinPolicies.bearerTokens(properties.getTokens());
      }
    };
  }

  /** The health indicator, only with Spring Boot's health support. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {
    /** DOWN once {@link Clients} is closed; UP with the agents connected and the pending calls. */
    @Bean
    @ConditionalOnMissingBean(name = "agentRpcServerHealthIndicator")
    HealthIndicator agentRpcServerHealthIndicator(Clients clients) {
      return () ->
          (clients.isClosed()
                  ? Health.down()
                  : Health.up())
              .withDetail("connected", clients.connectedCount())
              .withDetail("pendingCalls", clients.pendingCalls())
              .build();
    }
  }
}
