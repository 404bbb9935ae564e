package dev.agentrpc.internal;

/** Size limits shared by both ends of a connection. Internal API. */
public final class MessageLimits {
  /**
   * The largest request or response payload sent by default: gRPC's default inbound limit
   * of 4 MiB, less room for the envelope, so that one oversized message fails only its own
   * call instead of the peer closing the whole stream.
   */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024 - 1024;

  private MessageLimits() {}
}
