package dev.agentrpc.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The agent's properties, under {@code agentrpc.agent}. The agent side is on when both {@code
 * agentrpc.agent.name} and {@code agentrpc.agent.target} are set.
 */
@ConfigurationProperties("agentrpc.agent")
public class AgentRpcAgentProperties {
  /** The name the agent joins under; unique in the fleet. */
  private String name;

  /** The controller, as a gRPC target: {@code host:port}, or a URI such as {@code dns:///host:port}. */
  private String target;

  /** The labels the agent declares, for the controller's selectors ({@code agentrpc.agent.labels.region=eu}). */
  private Map<String, String> labels = new LinkedHashMap<>();

  /** A bearer token sent with the Hello, for a controller with {@code identity=bearer-tokens}. */
  private String bearerToken;

  /** The redial backoff. */
  private final Backoff backoff = new Backoff();

  /** The handlers run at once; unset, the runtime's default (128). */
  private Integer maxConcurrentHandlers;

  /** How long the channel may take to terminate when the context closes, 10 s by default. */
  private Duration shutdownTimeout = Duration.ofSeconds(10);

  /** TLS. */
  private final Ssl ssl = new Ssl();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public String getBearerToken() {
    return bearerToken;
  }

  public void setBearerToken(String bearerToken) {
    this.bearerToken = bearerToken;
  }

  public Backoff getBackoff() {
    return backoff;
  }

  public Integer getMaxConcurrentHandlers() {
    return maxConcurrentHandlers;
  }

  public void setMaxConcurrentHandlers(Integer maxConcurrentHandlers) {
    this.maxConcurrentHandlers = maxConcurrentHandlers;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Ssl getSsl() {
    return ssl;
  }

  /** The redial backoff: exponential from {@code initial} to {@code max}. */
  public static class Backoff {
    /** The first redial's delay, 1 s by default. */
    private Duration initial = Duration.ofSeconds(1);

    /** The longest delay between redials, 30 s by default. */
    private Duration max = Duration.ofSeconds(30);

    public Duration getInitial() {
      return initial;
    }

    public void setInitial(Duration initial) {
      this.initial = initial;
    }

    public Duration getMax() {
      return max;
    }

    public void setMax(Duration max) {
      this.max = max;
    }
  }

  /** The agent's TLS, from a Spring SSL bundle ({@code spring.ssl.bundle.*}). */
  public static class Ssl {
    /**
     * The SSL bundle whose trust store checks the controller's certificate, and whose key store,
     * if any, holds the agent's client certificate; unset, plaintext.
     */
    private String bundle;

    public String getBundle() {
      return bundle;
    }

    public void setBundle(String bundle) {
      this.bundle = bundle;
    }
  }
}
