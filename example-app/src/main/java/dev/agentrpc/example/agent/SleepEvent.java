package dev.agentrpc.example.agent;

/**
 * How one {@code sleep} call ended on the agent: what an agent saw of a deadline or a
 * cancellation.
 *
 * @param agent the agent's name
 * @param requestedMillis how long the caller asked it to sleep
 * @param elapsedMillis how long it actually waited
 * @param outcome why it stopped
 * @param detail the cancellation's description, or empty
 */
public record SleepEvent(
    String agent, long requestedMillis, long elapsedMillis, Outcome outcome, String detail) {

  /** Why a sleep stopped. */
  public enum Outcome {
    /** It slept the whole time and answered. */
    COMPLETED,
    /** The call's deadline passed first. */
    DEADLINE_EXCEEDED,
    /** The controller cancelled the call, or the connection closed. */
    CANCELLED
  }
}
