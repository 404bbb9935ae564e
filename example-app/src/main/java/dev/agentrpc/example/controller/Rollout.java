package dev.agentrpc.example.controller;

import dev.agentrpc.server.ClientInfo;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * How the console's {@code all} and the fleet page call many agents: which ones (a label
 * selector), how many at once (a batch of agents or a percentage), when it is done early (the
 * first N answers) and when it stops (more than N failures). Agents are called in name order,
 * so a batched rollout goes through the fleet predictably. Immutable; every bound is checked
 * where it is set, with a message naming the option.
 */
public final class Rollout {
  /** The largest batch, quorum or failure bound accepted. */
  public static final int MAX_COUNT = 100_000;

  private static final Rollout EVERY_AGENT = new Rollout(LabelSelector.everything(), 0, 0, 0, -1);

  private final LabelSelector selector;
  private final int batch; // 0: all at once
  private final int batchPercent; // 0: not a percentage
  private final int first; // 0: wait for every agent
  private final int maxFailures; // -1: never stop

  private Rollout(LabelSelector selector, int batch, int batchPercent, int first, int maxFailures) {
    this.selector = selector;
    this.batch = batch;
    this.batchPercent = batchPercent;
    this.first = first;
    this.maxFailures = maxFailures;
  }

  /** Every connected agent, all at once, waiting for each. */
  public static Rollout everyAgent() {
    return EVERY_AGENT;
  }

  /**
   * Only agents whose labels match {@code selector}, e.g. {@code zone=eu,!canary}; blank
   * selects every agent.
   *
   * @throws IllegalArgumentException naming what does not parse
   */
  public Rollout select(String selector) {
    return new Rollout(LabelSelector.parse(selector), batch, batchPercent, first, maxFailures);
  }

  /**
   * At most {@code batch} agents at once, e.g. {@code "2"}, or a percentage of those selected,
   * e.g. {@code "25%"}: the next agent is called as soon as one ends.
   *
   * @throws IllegalArgumentException for anything else
   */
  public Rollout batch(String batch) {
    String text = batch.strip();
    if (text.endsWith("%")) {
      int percent = count("--batch", text.substring(0, text.length() - 1), 1);
      if (percent > 100) {
        throw new IllegalArgumentException("--batch as a percentage is 1% to 100%, was " + text);
      }
      return new Rollout(selector, 0, percent, first, maxFailures);
    }
    return new Rollout(selector, count("--batch", text, 1), 0, first, maxFailures);
  }

  /**
   * Done once {@code first} agents answered: calls still running are cancelled, the others
   * are never called.
   *
   * @throws IllegalArgumentException unless 1 to {@link #MAX_COUNT}
   */
  public Rollout first(String first) {
    return new Rollout(selector, batch, batchPercent, count("--first", first, 1), maxFailures);
  }

  /**
   * Stops calling once more than {@code maxFailures} calls failed (0: at the first failure);
   * calls already running end as they would.
   *
   * @throws IllegalArgumentException unless 0 to {@link #MAX_COUNT}
   */
  public Rollout maxFailures(String maxFailures) {
    return new Rollout(selector, batch, batchPercent, first, count("--max-failures", maxFailures, 0));
  }

  /** The agents connected now that the selector matches, in name order. */
  public List<String> targets(Clients clients) {
    List<String> targets = new ArrayList<>();
    for (ClientInfo agent : clients.list()) {
      if (selector.matches(agent.labels())) {
        targets.add(agent.name());
      }
    }
    return targets;
  }

  /** The fan-out options calling {@code targets}, in their order, as this rollout says. */
  public FanOutOptions options(List<String> targets) {
    FanOutOptions options = FanOutOptions.clients(targets);
    if (batch > 0) {
      options = options.window(batch);
    } else if (batchPercent > 0) {
      options = options.windowPercent(batchPercent);
    }
    if (first > 0) {
      options = options.quorum(first);
    }
    if (maxFailures >= 0) {
      options = options.maxFailures(maxFailures);
    }
    return options;
  }

  /** The selector, as {@link LabelSelector#parse} reads it; empty for every agent. */
  public String selector() {
    return selector.toString();
  }

  /** The failures tolerated before the rollout stops; -1 for no bound. */
  public int maxFailures() {
    return maxFailures;
  }

  /** The number of answers that end the rollout; 0 for none. */
  public int first() {
    return first;
  }

  /** The options as the console takes them, e.g. {@code --batch 2 --max-failures 0}; empty for none. */
  @Override
  public String toString() {
    List<String> words = new ArrayList<>();
    if (batch > 0) {
      words.add("--batch " + batch);
    } else if (batchPercent > 0) {
      words.add("--batch " + batchPercent + "%");
    }
    if (!selector.toString().isEmpty()) {
      words.add("--select " + selector);
    }
    if (first > 0) {
      words.add("--first " + first);
    }
    if (maxFailures >= 0) {
      words.add("--max-failures " + maxFailures);
    }
    return String.join(" ", words);
  }

  private static int count(String option, String text, int min) {
    int value;
    try {
      value = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " needs a whole number" + ("--batch".equals(option) ? " of agents or a percentage (2, 25%)" : "")
              + ", was '" + text.strip() + "'");
    }
    if (value < min || value > MAX_COUNT) {
      throw new IllegalArgumentException(option + " is " + min + " to " + MAX_COUNT + ", was " + value);
    }
    return value;
  }
}
