package com.example.greeter;

import com.example.greeter.v1.GreetReply;
import com.example.greeter.v1.GreetRequest;

/** An agent's Greeter: greets by name, and says which agent it is. */
final class FriendlyAgent implements Greeter {
  private final String agent;

  FriendlyAgent(String agent) {
    this.agent = agent;
  }

  @Override
  public GreetReply greet(GreetRequest request) {
    return GreetReply.newBuilder()
        .setGreeting("Hello, " + request.getName() + ", from " + agent)
        .build();
  }
}
