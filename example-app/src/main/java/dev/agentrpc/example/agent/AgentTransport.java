package dev.agentrpc.example.agent;

/** How an agent reaches the controller; the controller serves all of them. */
public enum AgentTransport {
  /** One gRPC stream (the default): the fastest, where a long-lived HTTP/2 stream passes. */
  STREAM("stream"),
  /** gRPC polls the controller holds until it has a command: where streams are cut. */
  LONG_POLL("long-poll"),
  /** gRPC polls on a fixed interval, answered at once: where held requests are cut too. */
  HEARTBEAT("heartbeat"),
  /** Long polls as plain HTTP/1.1 POSTs, to the controller's HTTP port: where only HTTP/1.1 passes. */
  HTTP_LONG_POLL("http-long-poll");

  private final String option;

  AgentTransport(String option) {
    this.option = option;
  }

  /** The name the command line uses. */
  public String option() {
    return option;
  }

  /** The transport the command line names {@code option}. */
  public static AgentTransport of(String option) {
    for (AgentTransport transport : values()) {
      if (transport.option.equals(option)) {
        return transport;
      }
    }
    throw new IllegalArgumentException(
        "unknown transport '" + option + "'; one of stream, long-poll, heartbeat, http-long-poll");
  }
}
