package dev.agentrpc.reliability.harness;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * An agent in a JVM of its own, built with every default: {@code AgentMain <port> <name>}
 * dials 127.0.0.1:port and prints {@code ready}. Its handlers sleep, ignoring cancellation,
 * as careless handlers do: Int64Value sleeps that many ms; BytesValue sleeps 1 s and answers
 * the payload's size; StringValue echoes. On the command {@code stats} it prints
 * {@link Probe#statsLine()} and its state.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String name = args[1];
    HandlerRegistry registry =
        new HandlerRegistry()
            .register(
                Int64Value.getDefaultInstance(),
                millis -> {
                  sleep(millis.getValue());
                  return millis;
                })
            .register(
                BytesValue.getDefaultInstance(),
                bytes -> {
                  sleep(1000);
                  return Int64Value.of(bytes.getValue().size());
                })
            .register(StringValue.getDefaultInstance(), echo -> StringValue.of(name + ":" + echo.getValue()));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    StreamClient agent = StreamClient.newBuilder(channel, name, registry).start();
    System.out.println("ready");
    ChildJvm.serveParent(
        command -> {
          if (command.equals("stats")) {
            System.out.println(Probe.statsLine() + " state=" + agent.state());
          }
        });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
