package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.TestAgent;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The headers that open an agent's stream reach the wire as HPACK literals that neither end
 * indexes, with the builders {@code configure} returns; a plain builder indexes them (so the
 * check can fail). Read off a raw HTTP/2 connection over 127.0.0.1.
 */
@Timeout(60)
class HeaderIndexingTest {
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final InetAddress LOOPBACK = loopback();

  @Test
  void theControllerAcceptsAStreamWithHeadersNoTableKeeps() throws Exception {
    assertThat(acceptHeaders(true)).contains(Representation.NEVER_INDEXED).doesNotContain(Representation.INDEXED_NEW);
  }

  @Test
  void aPlainServerIndexesTheSameHeaders() throws Exception {
    assertThat(acceptHeaders(false)).contains(Representation.INDEXED_NEW);
  }

  @Test
  void anAgentOpensItsStreamWithHeadersNoTableKeeps() throws Exception {
    List<Representation> sent = connectHeaders(true);
    // :path and :authority are gRPC's own pseudo-headers and stay indexed; nothing else is.
    // Exact counts: a grpc-java that sends another header on a stream should be looked at here.
    assertThat(sent.stream().filter(r -> r == Representation.INDEXED_NEW)).hasSize(2);
    assertThat(sent.stream().filter(r -> r == Representation.NEVER_INDEXED)).hasSize(4);
  }

  @Test
  void aPlainChannelIndexesTheSameHeaders() throws Exception {
    List<Representation> sent = connectHeaders(false);
    assertThat(sent.stream().filter(r -> r == Representation.INDEXED_NEW)).hasSizeGreaterThan(2);
  }

  /** Opens a Connect stream by hand, says Hello, and reads how the server's response headers are coded. */
  private static List<Representation> acceptHeaders(boolean configured) throws Exception {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    Clients clients = Clients.create();
    Server server =
        (configured ? StreamServer.configure(builder) : builder)
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
    try (Socket socket = new Socket(LOOPBACK, server.getPort())) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      writeFrame(out, Frame.SETTINGS, 0, 0, new byte[0]);
      ByteArrayOutputStream headers = new ByteArrayOutputStream();
      literal(headers, ":method", "POST");
      literal(headers, ":scheme", "http");
      literal(headers, ":path", "/agentrpc.v1.Coordinator/Connect");
      literal(headers, ":authority", "127.0.0.1");
      literal(headers, "content-type", "application/grpc");
      literal(headers, "te", "trailers");
      writeFrame(out, Frame.HEADERS, Frame.END_HEADERS, 1, headers.toByteArray());
      byte[] hello =
          ClientToServer.newBuilder()
              .setHello(ClientToServer.Hello.newBuilder().setName("raw"))
              .build()
              .toByteArray();
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      message.write(0);
      message.write(new byte[] {0, 0, 0, (byte) hello.length});
      message.write(hello);
      writeFrame(out, Frame.DATA, 0, 1, message.toByteArray());
      out.flush();
      return scan(readHeadersOfStream(socket, out, 1));
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      clients.close();
    }
  }

  /** Lets an agent dial a bare socket and reads how its Connect stream's request headers are coded. */
  private static List<Representation> connectHeaders(boolean configured) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) {
      listener.setSoTimeout(TIMEOUT_MILLIS);
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", listener.getLocalPort());
      ManagedChannel channel = (configured ? StreamClient.configure(builder) : builder).usePlaintext().build();
      try (StreamClient agent = StreamClient.newBuilder(channel, "a", new TestAgent("a").registry()).start();
          Socket socket = listener.accept()) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] preface = new byte[24];
        in.readFully(preface);
        assertThat(new String(preface, StandardCharsets.US_ASCII)).startsWith("PRI * HTTP/2.0");
        OutputStream out = socket.getOutputStream();
        writeFrame(out, Frame.SETTINGS, 0, 0, new byte[0]);
        out.flush();
        return scan(readHeadersOfStream(socket, out, -1));
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The header block of the first HEADERS frame on {@code streamId} (any stream when -1). */
  private static byte[] readHeadersOfStream(Socket socket, OutputStream out, int streamId) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    while (true) {
      int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7fffffff;
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == Frame.SETTINGS && (flags & Frame.ACK) == 0) {
        writeFrame(out, Frame.SETTINGS, Frame.ACK, 0, new byte[0]);
        out.flush();
      } else if (type == Frame.HEADERS && (streamId < 0 || stream == streamId)) {
        assertThat(flags & Frame.END_HEADERS).as("one HEADERS frame, no CONTINUATION").isNotZero();
        assertThat(flags & Frame.END_STREAM).as("the stream's headers, not a refusal's trailers").isZero();
        int padding = (flags & Frame.PADDED) != 0 ? payload[0] & 0xff : 0;
        int start = ((flags & Frame.PADDED) != 0 ? 1 : 0) + ((flags & Frame.PRIORITY) != 0 ? 5 : 0);
        byte[] block = new byte[payload.length - start - padding];
        System.arraycopy(payload, start, block, 0, block.length);
        return block;
      }
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName("127.0.0.1");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeFrame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length});
    out.write(type);
    out.write(flags);
    out.write(new byte[] {(byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    out.write(payload);
  }

  /** A literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2); short strings only. */
  private static void literal(ByteArrayOutputStream out, String name, String value) {
    out.write(0);
    for (String s : new String[] {name, value}) {
      byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes.length); // below 127
      out.write(bytes, 0, bytes.length);
    }
  }

  /** How each field of an HPACK header block is represented (RFC 7541 section 6). */
  private static List<Representation> scan(byte[] block) {
    List<Representation> fields = new ArrayList<>();
    int[] at = {0};
    while (at[0] < block.length) {
      int first = block[at[0]] & 0xff;
      if ((first & 0x80) != 0) {
        integer(block, at, 7);
        fields.add(Representation.FROM_TABLE);
      } else if ((first & 0x40) != 0) {
        literalField(block, at, 6);
        fields.add(Representation.INDEXED_NEW);
      } else if ((first & 0x20) != 0) {
        integer(block, at, 5); // dynamic table size update
      } else {
        boolean never = (first & 0x10) != 0;
        literalField(block, at, 4);
        fields.add(never ? Representation.NEVER_INDEXED : Representation.NOT_INDEXED);
      }
    }
    return fields;
  }

  private static void literalField(byte[] block, int[] at, int prefixBits) {
    if (integer(block, at, prefixBits) == 0) {
      skipString(block, at);
    }
    skipString(block, at);
  }

  private static void skipString(byte[] block, int[] at) {
    int length = (int) integer(block, at, 7); // moves at past the length first
    at[0] += length;
  }

  private static long integer(byte[] block, int[] at, int prefixBits) {
    int mask = (1 << prefixBits) - 1;
    long value = block[at[0]++] & mask;
    if (value < mask) {
      return value;
    }
    int shift = 0;
    int b;
    do {
      b = block[at[0]++] & 0xff;
      value += (long) (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return value;
  }

  private enum Representation {
    /** An entry of the static or dynamic table. */
    FROM_TABLE,
    /** A literal the receiver adds to its dynamic table (and the sender to its own). */
    INDEXED_NEW,
    NOT_INDEXED,
    NEVER_INDEXED
  }

  private static final class Frame {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int SETTINGS = 4;
    static final int ACK = 0x1;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY = 0x20;
  }
}
