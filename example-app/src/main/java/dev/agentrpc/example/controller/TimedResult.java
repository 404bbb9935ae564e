package dev.agentrpc.example.controller;

import dev.agentrpc.server.Result;
import java.time.Duration;

/**
 * One agent's answer to a fan-out call, with how long it took from the start of the call.
 *
 * @param result the agent's reply or failure
 * @param latency from sending to the reply or failure
 * @param <R> the reply type
 */
public record TimedResult<R>(Result<R> result, Duration latency) {
  /** The agent's name. */
  public String agent() {
    return result.client();
  }
}
