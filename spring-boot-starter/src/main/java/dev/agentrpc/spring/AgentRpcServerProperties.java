package dev.agentrpc.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The controller's properties, under {@code agentrpc.server}. The controller side is on when
 * {@code agentrpc.server.port} is set or {@code agentrpc.server.enabled} is {@code true}, and off
 * when {@code agentrpc.server.enabled} is {@code false}.
 */
@ConfigurationProperties("agentrpc.server")
public class AgentRpcServerProperties {
  /** How the controller decides which names an agent may join under. */
  public enum Identity {
    /** Any agent joins under the name it says: the default, for a trusted network. */
    ANY_NAME,
    /** An agent joins only under a name its TLS client certificate grants (SPIFFE ID or DNS). */
    CERTIFICATE_NAMES,
    /** An agent joins only under a name its bearer token grants; see {@link #getTokens()}. */
    BEARER_TOKENS
  }

  /** Whether a TLS server asks agents for a client certificate. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for, and checked if given. */
    OPTIONAL,
    /** A client certificate the bundle's trust store trusts is required. */
    REQUIRE
  }

  /**
   * Whether the controller side is on: {@code true} turns it on without a port (then the port is
   * ephemeral), {@code false} turns it off even with one; unset, a set port decides.
   */
  private Boolean enabled;

  /**
   * The port agents dial; 0 (the default when the side is on through {@code enabled}) picks a free
   * one, published as {@code local.agentrpc.server.port} and by {@link AgentRpcServer#port()}.
   */
  private Integer port;

  /** The address the server binds, {@code 127.0.0.1} by default; {@code 0.0.0.0} for every one. */
  private String address = "127.0.0.1";

  /** The timeout of calls that name none and whose method has no {@code @Timeout}. */
  private Duration defaultTimeout;

  /** The calls in flight to one agent; unset, the runtime's default (1024). */
  private Integer maxInFlightPerClient;

  /** How long the server may take to terminate when the context closes, 10 s by default. */
  private Duration shutdownTimeout = Duration.ofSeconds(10);

  /** The join policy: {@code any-name} (default), {@code certificate-names}, {@code bearer-tokens}. */
  private Identity identity = Identity.ANY_NAME;

  /**
   * With {@code identity=bearer-tokens}: each token, and the agent names it may join under
   * ({@code agentrpc.server.tokens.<token>=agent-1,agent-2}).
   */
  private Map<String, List<String>> tokens = new LinkedHashMap<>();

  /** TLS. */
  private final Ssl ssl = new Ssl();

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public Duration getDefaultTimeout() {
    return defaultTimeout;
  }

  public void setDefaultTimeout(Duration defaultTimeout) {
    this.defaultTimeout = defaultTimeout;
  }

  public Integer getMaxInFlightPerClient() {
    return maxInFlightPerClient;
  }

  public void setMaxInFlightPerClient(Integer maxInFlightPerClient) {
    this.maxInFlightPerClient = maxInFlightPerClient;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Identity getIdentity() {
    return identity;
  }

  public void setIdentity(Identity identity) {
    this.identity = identity;
  }

  public Map<String, List<String>> getTokens() {
    return tokens;
  }

  public void setTokens(Map<String, List<String>> tokens) {
    this.tokens = tokens;
  }

  public Ssl getSsl() {
    return ssl;
  }

  /** The server's TLS, from a Spring SSL bundle ({@code spring.ssl.bundle.*}). */
  public static class Ssl {
    /** The SSL bundle whose key store holds the server's certificate; unset, plaintext. */
    private String bundle;

    /**
     * Whether agents must present a certificate the bundle's trust store trusts: {@code none}
     * (default), {@code optional}, {@code require} (needed by {@code identity=certificate-names}).
     */
    private ClientAuth clientAuth = ClientAuth.NONE;

    public String getBundle() {
      return bundle;
    }

    public void setBundle(String bundle) {
      this.bundle = bundle;
    }

    public ClientAuth getClientAuth() {
      return clientAuth;
    }

    public void setClientAuth(ClientAuth clientAuth) {
      this.clientAuth = clientAuth;
    }
  }
}
