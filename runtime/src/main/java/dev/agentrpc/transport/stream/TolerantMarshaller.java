package dev.agentrpc.transport.stream;

import dev.agentrpc.proto.v1.ClientToServer;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * The Connect method's inbound marshaller: parses as gRPC's would, but hands a message that
 * does not parse to the service as {@link #MALFORMED} instead of throwing. gRPC would close
 * such a stream behind the service's back, and a write racing that close breaks the whole
 * HTTP/2 connection; this way the service closes the stream itself, in order.
 */
final class TolerantMarshaller implements MethodDescriptor.Marshaller<ClientToServer> {
  /** Stands for a message that did not parse; compared by identity. */
  static final ClientToServer MALFORMED = ClientToServer.newBuilder().build();

  private final MethodDescriptor.Marshaller<ClientToServer> strict;

  TolerantMarshaller(MethodDescriptor.Marshaller<ClientToServer> strict) {
    this.strict = strict;
  }

  @Override
  public InputStream stream(ClientToServer value) {
    return strict.stream(value);
  }

  @Override
  public ClientToServer parse(InputStream stream) {
    try {
      return strict.parse(stream);
    } catch (StatusRuntimeException e) {
      return MALFORMED;
    }
  }
}
