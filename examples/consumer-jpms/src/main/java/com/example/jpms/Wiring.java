package com.example.jpms;

import com.google.protobuf.Int64Value;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;

/** Both sides of {@link Clock}, wired in a named module. */
public final class Wiring {
  private Wiring() {}

  /** The agent's side: its handlers. */
  public static HandlerRegistry agent() {
    return ClockHandlers.register(new HandlerRegistry(), zone -> Int64Value.of(System.currentTimeMillis()));
  }

  /** The controller's side: a typed proxy, and a fan-out over ten agents at a time. */
  public static ClockProxy.FanOutCalls controller(Clients clients) {
    return ClockProxy.of(clients).fanOut(FanOutOptions.all().window(10));
  }
}
