package dev.agentrpc.reliability.harness;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.Response;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens raw Connect streams and writes what a broken or hostile peer would: random, truncated,
 * mutated and out-of-order messages, and bytes that are no protobuf at all (a {@code byte[]}
 * marshaller writes them under gRPC's framing). Each stream then half-closes, cancels, or is
 * left open ("parked", at most {@code maxParked} per fuzzer, the oldest cancelled first).
 *
 * <p>It keeps, per stream, the names its Hellos could have joined with (it parses its own
 * bytes as the server will), so the test can check that a stream that ended left no session.
 * Not thread-safe: one fuzzer per thread.
 */
public final class ConnectFuzzer {
  /** Every name a fuzz stream says Hello with starts with this. */
  public static final String PREFIX = "fuzz-";

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<byte[], byte[]> RAW_CONNECT =
      CoordinatorGrpc.getConnectMethod().toBuilder(BYTES, BYTES).build();
  private static final AtomicInteger streamIds = new AtomicInteger();

  /** What all fuzzers saw, shared. */
  public static final class Tally {
    private final LongAdder opened = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final Map<String, LongAdder> endings = new ConcurrentHashMap<>();
    private final Map<Status.Code, LongAdder> closes = new ConcurrentHashMap<>();
    /** Names joined (possibly) by streams that have ended. */
    private final Set<String> endedNames = ConcurrentHashMap.newKeySet();
    /** Names joined (possibly) by streams still open. */
    private final Map<String, AtomicInteger> openNames = new ConcurrentHashMap<>();

    public long opened() {
      return opened.sum();
    }

    public long messages() {
      return messages.sum();
    }

    /** How each stream ended, by who ended it. */
    public Map<String, Long> endings() {
      return sorted(endings);
    }

    /** The status each stream closed with, as its client saw it. */
    public Map<Status.Code, Long> closes() {
      return sorted(closes);
    }

    /** Names of ended streams that no open stream also used. */
    public Set<String> namesOfEndedStreams() {
      Set<String> names = new java.util.TreeSet<>(endedNames);
      names.removeIf(name -> openNames.containsKey(name));
      return names;
    }

    private static <K> Map<K, Long> sorted(Map<K, LongAdder> counts) {
      Map<K, Long> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.sum()));
      return Collections.unmodifiableMap(out);
    }
  }

  private final Random random;
  private final Channel[] channels;
  private final int maxParked;
  private final Tally tally;
  private final Deque<FuzzStream> parked = new ArrayDeque<>();

  public ConnectFuzzer(long seed, Channel[] channels, int maxParked, Tally tally) {
    this.random = new Random(seed);
    this.channels = channels.clone();
    this.maxParked = maxParked;
    this.tally = tally;
  }

  /**
   * Opens a raw Connect stream on {@code channel} whose messages are bytes, written as given;
   * it reads everything the server sends.
   */
  public static ClientCall<byte[], byte[]> openRaw(Channel channel, ClientCall.Listener<byte[]> listener) {
    ClientCall<byte[], byte[]> call = channel.newCall(RAW_CONNECT, CallOptions.DEFAULT);
    call.start(listener, new Metadata());
    return call;
  }

  /** A Hello as {@code name}, serialized. */
  public static byte[] helloBytes(String name) {
    return hello(name).toByteArray();
  }

  /** Opens one stream, writes a script of 1 to 6 messages, and ends it one way or another. */
  public void fuzzOne() {
    FuzzStream stream = new FuzzStream(channels[random.nextInt(channels.length)], PREFIX + streamIds.incrementAndGet());
    int count = 1 + random.nextInt(6);
    for (int i = 0; i < count; i++) {
      stream.send(i == 0 ? first(stream.name) : next(stream.name));
    }
    int end = random.nextInt(10);
    if (end < 4) {
      stream.halfClose();
    } else if (end < 7) {
      stream.cancel();
    } else {
      park(stream);
    }
  }

  /** Cancels every stream left open. */
  public void cancelParked() {
    while (!parked.isEmpty()) {
      parked.poll().cancel();
    }
  }

  private void park(FuzzStream stream) {
    tally.endings.computeIfAbsent("left-open", k -> new LongAdder()).increment();
    parked.add(stream);
    if (parked.size() > maxParked) {
      parked.poll().cancel();
    }
  }

  private byte[] first(String name) {
    int kind = random.nextInt(10);
    if (kind < 6) {
      return hello(name).toByteArray();
    }
    return kind < 7 ? oddHello(name) : next(name);
  }

  private byte[] next(String name) {
    switch (random.nextInt(9)) {
      case 0:
        return hello(name).toByteArray(); // a second Hello
      case 1:
        return oddHello(name);
      case 2:
        return response().toByteArray();
      case 3:
        return garbage(1 + random.nextInt(512));
      case 4:
        return truncated(random.nextBoolean() ? hello(name).toByteArray() : response().toByteArray());
      case 5:
        return mutated(random.nextBoolean() ? hello(name).toByteArray() : response().toByteArray());
      case 6:
        return withUnknownFields(response().toByteArray());
      case 7:
        return new byte[0];
      default:
        return response().toByteArray();
    }
  }

  private static ClientToServer hello(String name) {
    return ClientToServer.newBuilder().setHello(ClientToServer.Hello.newBuilder().setName(name)).build();
  }

  /** A Hello with a strange name (too long, bad characters) or next_id. */
  private byte[] oddHello(String name) {
    ClientToServer.Hello.Builder hello = ClientToServer.Hello.newBuilder().setNextId(random.nextLong());
    switch (random.nextInt(4)) {
      case 0:
        hello.setName(name + "-" + "x".repeat(random.nextInt(200)));
        break;
      case 1:
        hello.setName(name + " \u00e9\u0000\n");
        break;
      case 2:
        hello.setName("");
        break;
      default:
        hello.setName(name);
    }
    return ClientToServer.newBuilder().setHello(hello).build().toByteArray();
  }

  private ClientToServer response() {
    Response.Builder response = Response.newBuilder().setId(randomId());
    switch (random.nextInt(3)) {
      case 0:
        response.setPayload(ByteString.copyFrom(garbage(random.nextInt(256))));
        break;
      case 1:
        int code = random.nextBoolean() ? Code.INTERNAL_VALUE : random.nextInt(100) - 10;
        com.google.rpc.Status.Builder error = com.google.rpc.Status.newBuilder().setCode(code).setMessage("fuzz");
        // Details with any code, known or not (HostileAnswersEndTheirCallsTest pins the latter).
        error.addDetails(
            Any.newBuilder().setTypeUrl("nonsense/" + random.nextInt()).setValue(ByteString.copyFrom(garbage(8))));
        response.setError(error);
        break;
      default:
        break; // neither payload nor error
    }
    return ClientToServer.newBuilder().setResponse(response).build();
  }

  private long randomId() {
    switch (random.nextInt(3)) {
      case 0:
        return random.nextInt(4);
      case 1:
        return -1L; // 2^64 - 1 on the wire
      default:
        return random.nextLong();
    }
  }

  private byte[] garbage(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private byte[] truncated(byte[] message) {
    return java.util.Arrays.copyOf(message, message.length <= 1 ? 0 : 1 + random.nextInt(message.length - 1));
  }

  private byte[] mutated(byte[] message) {
    byte[] copy = message.clone();
    for (int i = 0, n = 1 + random.nextInt(3); i < n && copy.length > 0; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private byte[] withUnknownFields(byte[] message) {
    // field 7..2047, wire type 2 (length-delimited), a short random value
    int field = 7 + random.nextInt(2040);
    byte[] value = garbage(random.nextInt(16));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(message);
    writeVarint(out, (field << 3) | 2);
    writeVarint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static void writeVarint(java.io.ByteArrayOutputStream out, int value) {
    while ((value & ~0x7f) != 0) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /** One raw Connect stream. */
  private final class FuzzStream extends ClientCall.Listener<byte[]> {
    private final String name;
    private final ClientCall<byte[], byte[]> call;
    private final Set<String> joinedAs = ConcurrentHashMap.newKeySet();
    private boolean sawFirst; // fuzzer thread only

    FuzzStream(Channel channel, String name) {
      this.name = name;
      this.call = openRaw(channel, this);
      if (random.nextBoolean()) {
        call.request(Integer.MAX_VALUE); // reads everything; otherwise it reads nothing
      }
      tally.opened.increment();
    }

    void send(byte[] message) {
      noteHello(message);
      call.sendMessage(message);
      tally.messages.increment();
    }

    /** Records the name the server will admit if this is the stream's first message and a Hello. */
    private void noteHello(byte[] message) {
      if (sawFirst) {
        return;
      }
      sawFirst = true;
      try {
        ClientToServer parsed = ClientToServer.parseFrom(message);
        if (parsed.hasHello()) {
          String joined = parsed.getHello().getName();
          joinedAs.add(joined);
          tally.openNames.computeIfAbsent(joined, k -> new AtomicInteger()).incrementAndGet();
        }
      } catch (InvalidProtocolBufferException e) {
        // the server cannot parse it either
      }
    }

    void halfClose() {
      tally.endings.computeIfAbsent("half-closed", k -> new LongAdder()).increment();
      call.halfClose();
    }

    void cancel() {
      tally.endings.computeIfAbsent("cancelled", k -> new LongAdder()).increment();
      call.cancel("fuzzer cancels", null);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      tally.closes.computeIfAbsent(status.getCode(), k -> new LongAdder()).increment();
      for (String joined : joinedAs) {
        tally.endedNames.add(joined);
        tally.openNames.computeIfPresent(joined, (k, n) -> n.decrementAndGet() == 0 ? null : n);
      }
    }
  }
}
