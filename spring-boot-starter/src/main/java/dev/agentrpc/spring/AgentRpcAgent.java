package dev.agentrpc.spring;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The agent's connection to its controller: a {@link StreamClient} serving the context's
 * {@code @AgentService} beans, dialed when the context has refreshed and closed when it closes
 * ({@link StreamClient#close()}, which cancels the handlers it runs and leaves, then the channel).
 */
public final class AgentRpcAgent implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AgentRpcAgent.class);

  private final AgentRpcAgentProperties properties;
  private final HandlerRegistry registry;
  private final ChannelCredentials credentials;
  private final List<AgentRpcAgentCustomizer> customizers;
  private volatile ManagedChannel channel;
  private volatile StreamClient client;

  AgentRpcAgent(
      AgentRpcAgentProperties properties,
      HandlerRegistry registry,
      ChannelCredentials credentials,
      List<AgentRpcAgentCustomizer> customizers) {
    this.properties = properties;
    this.registry = registry;
    this.credentials = credentials;
    this.customizers = List.copyOf(customizers);
  }

  /** The running client; empty before the context refreshed and after it closed. */
  public Optional<StreamClient> client() {
    return Optional.ofNullable(client);
  }

  /** The agent's name. */
  public String name() {
    return properties.getName();
  }

  @Override
  public synchronized void start() {
    if (client != null) {
      return;
    }
    NettyChannelBuilder builder =
        credentials == null
            ? NettyChannelBuilder.forTarget(properties.getTarget()).usePlaintext()
            : NettyChannelBuilder.forTarget(properties.getTarget(), credentials);
    channel = StreamClient.configure(builder).build();
    StreamClient.Builder agent =
        StreamClient.newBuilder(channel, properties.getName(), registry)
            .backoff(properties.getBackoff().getInitial(), properties.getBackoff().getMax())
            .labels(properties.getLabels());
    if (properties.getBearerToken() != null) {
      agent.bearerToken(properties.getBearerToken());
    }
    if (properties.getMaxConcurrentHandlers() != null) {
      agent.maxConcurrentHandlers(properties.getMaxConcurrentHandlers());
    }
    customizers.forEach(customizer -> customizer.customize(agent));
    client = agent.start();
    log.info("agentrpc agent {} dialing {}", properties.getName(), properties.getTarget());
  }

  @Override
  public synchronized void stop() {
    StreamClient current = client;
    if (current == null) {
      return;
    }
    long timeout = properties.getShutdownTimeout().toMillis();
    current.close();
    try {
      if (!channel.shutdown().awaitTermination(timeout, TimeUnit.MILLISECONDS)) {
        channel.shutdownNow().awaitTermination(timeout, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      client = null;
      channel = null;
    }
  }

  @Override
  public boolean isRunning() {
    return client != null;
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
