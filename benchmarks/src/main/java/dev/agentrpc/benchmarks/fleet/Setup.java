package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * Every use the out-of-process harness makes of runtime API newer than commit 19b8b9c, and
 * nothing else: the rest of this package compiles against that commit's runtime too, so the
 * same harness gives before and after figures.
 *
 * <p>To build against 19b8b9c, put this package into that commit's benchmarks module and
 * replace each method's body with the line in the comment above it (the set-up the README
 * showed then): plain builders, and no callback executor, so {@code tuned} there is
 * {@code directExecutor()} on the server and on the agents only.
 */
final class Setup {
  private Setup() {}

  /** The controller's Clients; {@code tuned}: callers' futures complete on the thread that learnt the outcome. */
  static Clients clients(boolean tuned) {
    // 19b8b9c: return Clients.create();
    return tuned ? Clients.newBuilder().callbackExecutor(Runnable::run).build() : Clients.create();
  }

  /** The controller's server builder, as the README sets it up. */
  static NettyServerBuilder server(InetSocketAddress address) {
    // 19b8b9c: return NettyServerBuilder.forAddress(address);
    return StreamServer.configure(NettyServerBuilder.forAddress(address));
  }

  /** An agent's channel builder, as the README sets it up. */
  static NettyChannelBuilder channel(String host, int port) {
    // 19b8b9c: return NettyChannelBuilder.forAddress(host, port);
    return StreamClient.configure(NettyChannelBuilder.forAddress(host, port));
  }
}
