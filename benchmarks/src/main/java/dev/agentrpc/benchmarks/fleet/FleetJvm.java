package dev.agentrpc.benchmarks.fleet;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the harness's child JVMs ({@link AgentFleet}, {@link ServerFleet}, {@link
 * ChannelFleet}) have in common: the Netty event loops all the members of one JVM share (epoll
 * when available) and their socket types, reading the parent's commands until it closes their
 * input, and the last step: waiting for the members to end, then ending the loops.
 */
final class FleetJvm {
  private FleetJvm() {}

  /** A group of {@code loops} daemon event loops named {@code name}. */
  static EventLoopGroup group(int loops, String name) {
    DefaultThreadFactory threads = new DefaultThreadFactory(name, true);
    return Epoll.isAvailable() ? new EpollEventLoopGroup(loops, threads) : new NioEventLoopGroup(loops, threads);
  }

  /** Client sockets for {@code group}, counting into {@code connects} every TCP connection attempted. */
  static ChannelFactory<Channel> countingSockets(EventLoopGroup group, LongAdder connects) {
    boolean epoll = group instanceof EpollEventLoopGroup;
    return () -> {
      connects.increment();
      return epoll ? new EpollSocketChannel() : new NioSocketChannel();
    };
  }

  /** The listening socket type for {@code group}. */
  static Class<? extends ServerChannel> serverSockets(EventLoopGroup group) {
    return group instanceof EpollEventLoopGroup ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Hands each line of {@code in} to {@code command} until end of stream: the parent closed
   * this JVM's standard input, or died.
   */
  static void readCommands(InputStream in, Consumer<String> command) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        command.accept(line);
      }
    } catch (IOException e) {
      // the pipe broke: same as closed
    }
  }

  /** Shuts {@code channels} down now, then {@link #end}s them and {@code group}. */
  static void endChannels(List<ManagedChannel> channels, EventLoopGroup group) {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    end(channels, ManagedChannel::awaitTermination, group);
  }

  /** How to wait for one member to end. */
  @FunctionalInterface
  interface Termination<T> {
    boolean await(T member, long timeout, TimeUnit unit) throws InterruptedException;
  }

  /**
   * Waits up to 10 s in all for {@code members}, already told to stop, to end, then shuts
   * {@code group} down (waiting up to 5 s more).
   */
  static <T> void end(List<T> members, Termination<? super T> termination, EventLoopGroup group) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      for (T member : members) {
        termination.await(member, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
