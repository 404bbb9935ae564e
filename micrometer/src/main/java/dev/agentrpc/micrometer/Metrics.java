package dev.agentrpc.micrometer;

/** The tag keys and units the meters of this module share. */
final class Metrics {
  static final String METHOD = "method";
  static final String STATUS_CODE = "statusCode";
  static final String AGENT = "agent";
  static final String CALLS_UNIT = "calls";

  private Metrics() {}
}
