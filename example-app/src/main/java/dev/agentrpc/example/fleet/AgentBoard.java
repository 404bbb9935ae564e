package dev.agentrpc.example.fleet;

import dev.agentrpc.server.ClientInfo;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet page's list of agents: those connected, with their labels, and the last few that
 * left. Every join and leave bumps a version and wakes the page's long polls, which then
 * read the list afresh: nothing is queued per browser.
 */
final class AgentBoard implements ClientListener, AutoCloseable {
  /** How many agents that left the page still shows. */
  static final int MAX_LEFT = 50;

  private final Clients clients;
  private final AtomicLong version = new AtomicLong(1);
  private final Map<String, Instant> left = new LinkedHashMap<>(); // guarded by itself
  private final LongPolls polls;
  private final Clients.Subscription subscription;

  AgentBoard(Clients clients, int maxPolls, Duration pollTimeout) {
    this.clients = clients;
    this.polls = new LongPolls(maxPolls, pollTimeout);
    this.subscription = clients.subscribe(this);
  }

  @Override
  public void onJoin(String client) {
    synchronized (left) {
      left.remove(client);
    }
    changed();
  }

  @Override
  public void onLeave(String client) {
    synchronized (left) {
      left.remove(client);
      left.put(client, Instant.now());
      while (left.size() > MAX_LEFT) {
        left.remove(left.keySet().iterator().next());
      }
    }
    changed();
  }

  private void changed() {
    version.incrementAndGet();
    polls.wakeAll();
  }

  long version() {
    return version.get();
  }

  LongPolls polls() {
    return polls;
  }

  /** The agents as the page shows them: connected ones by name, then those that left, latest first. */
  Json snapshot() {
    long at = version.get(); // read first: a change after this makes the page ask again
    List<Json> agents = new ArrayList<>();
    Set<String> connected = new HashSet<>();
    for (ClientInfo agent : clients.list()) {
      connected.add(agent.name());
      agents.add(
          Json.object()
              .put("name", agent.name())
              .put("state", "connected")
              .put("labels", agent.labels())
              .put("joinedAt", agent.joinedAt().toString()));
    }
    List<Map.Entry<String, Instant>> gone;
    synchronized (left) {
      gone = new ArrayList<>(left.entrySet());
    }
    for (int i = gone.size() - 1; i >= 0; i--) {
      if (connected.contains(gone.get(i).getKey())) {
        continue; // rejoined, here or on another replica
      }
      agents.add(
          Json.object()
              .put("name", gone.get(i).getKey())
              .put("state", "left")
              .put("labels", Map.of())
              .put("leftAt", gone.get(i).getValue().toString()));
    }
    return Json.object().put("version", at).putObjects("agents", agents);
  }

  @Override
  public void close() {
    subscription.close();
    polls.wakeAll();
  }
}
