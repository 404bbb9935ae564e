package dev.agentrpc.transport.stream;

import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the headers that open an agent's stream out of HPACK's dynamic tables, on
 * grpc-netty-shaded's builders from grpc-java 1.85 on (other builders, and older versions,
 * are left as they are).
 *
 * <p>An agent's connection carries one long-lived stream, so its request and response headers
 * are sent once: an indexed entry is never referred to again, yet each end keeps it, and its
 * peer's decoder too, for the connection's life. On a controller that is 0.7 to 1.0 KiB of
 * heap per idle agent (benchmarks/RESULTS.md). Sent as never-indexed literals, they cost a few dozen
 * bytes once per stream instead; other calls on the same server or channel (long polls, other
 * services) send them that much longer on every call. {@code authorization} is listed too, as
 * RFC 7541 advises for credentials.
 */
final class HeaderIndexing {
  private static final Logger logger = LoggerFactory.getLogger(HeaderIndexing.class);
  private static final String NETTY_SERVER_BUILDER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder";
  private static final String NETTY_CHANNEL_BUILDER = "io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder";

  /** What the controller sends when it accepts a stream (gRPC's own headers and the join mark). */
  private static final List<Metadata.Key<String>> RESPONSE_HEADERS =
      List.of(key("content-type"), key("grpc-encoding"), key("grpc-accept-encoding"), key(JoinAcknowledgement.HEADER));

  /** What an agent sends when it opens its stream. */
  private static final List<Metadata.Key<String>> REQUEST_HEADERS =
      List.of(key("content-type"), key("user-agent"), key("te"), key("grpc-accept-encoding"), key("authorization"));

  private HeaderIndexing() {}

  static void offFor(ServerBuilder<?> builder) {
    // By name, so the runtime runs without grpc-netty-shaded; the class below loads only with it.
    if (builder.getClass().getName().equals(NETTY_SERVER_BUILDER)) {
      try {
        OnNetty.server(builder);
      } catch (LinkageError | ClassCastException e) {
        skipped(e);
      }
    }
  }

  static void offFor(ManagedChannelBuilder<?> builder) {
    if (builder.getClass().getName().equals(NETTY_CHANNEL_BUILDER)) {
      try {
        OnNetty.channel(builder);
      } catch (LinkageError | ClassCastException e) {
        skipped(e);
      }
    }
  }

  /** grpc-java before 1.85, or the builder's class from another class loader than ours. */
  private static void skipped(Throwable e) {
    logger.debug("stream headers stay indexed: this grpc-netty-shaded cannot mark them ({})", e.toString());
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private static final class OnNetty {
    static void server(Object builder) {
      ((NettyServerBuilder) builder).neverIndexMetadataKeys(RESPONSE_HEADERS);
    }

    static void channel(Object builder) {
      ((NettyChannelBuilder) builder).neverIndexMetadataKeys(REQUEST_HEADERS);
    }
  }
}
