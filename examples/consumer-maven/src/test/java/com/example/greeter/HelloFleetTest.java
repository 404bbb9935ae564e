package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HelloFleetTest {

  @Test
  @Timeout(60)
  void theControllerGreetsThroughTheAgentThatDialedIt() throws Exception {
    assertEquals("Hello, world, from agent-1", HelloFleet.greetThrough("agent-1", "world"));
  }
}
