package dev.agentrpc.cluster;

import com.google.protobuf.Any;
import dev.agentrpc.cluster.peer.PeerChannels;
import dev.agentrpc.server.ClientInfo;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.spi.LocalCalls;
import dev.agentrpc.server.spi.RemoteCall;
import dev.agentrpc.server.spi.RemoteClients;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the directory and this replica's clients in step, and forwards calls. Every change of
 * state runs on one thread, the cluster thread; {@link #list} and {@link #call} read the
 * cache from any thread without blocking.
 */
final class Replication implements RemoteClients, Directory.Listener, ClientListener {
  private static final Logger logger = LoggerFactory.getLogger(Replication.class);
  /** Events waiting for the cluster thread; beyond it they are dropped and a resync repairs. */
  private static final int MAX_QUEUED_TASKS = 100_000;

  private final String self;
  private final Directory directory;
  private final PeerChannels peers;
  private final ScheduledExecutorService thread;
  private volatile DirectoryCache cache; // set once by bind, before start
  private volatile ClusterEvents events;
  private final Duration tickInterval;
  private final AtomicInteger queued = new AtomicInteger();
  private volatile Clients clients;
  private volatile String address;
  private volatile boolean synced; // a snapshot was read since the directory was last unreachable

  // cluster thread only
  private final Map<String, Local> locals = new HashMap<>();
  private boolean ticking;
  private boolean renewedOnce;
  private boolean flushScheduled;
  private final List<Local> toRegister = new ArrayList<>();

  /** A client connected here, and the epoch the directory gave it (0 until it did). */
  private static final class Local {
    final DirectoryEntry entry;
    final long connection;
    long epoch;
    boolean registering;

    Local(DirectoryEntry entry, long connection) {
      this.entry = entry;
      this.connection = connection;
    }
  }

  Replication(String self, Directory directory, PeerChannels peers, ScheduledExecutorService thread, Duration tickInterval) {
    this.self = self;
    this.directory = directory;
    this.peers = peers;
    this.thread = thread;
    this.tickInterval = tickInterval;
  }

  void bind(Clients clients) {
    this.clients = clients;
    this.events = new ClusterEvents(clients.callbackExecutor());
    this.cache = new DirectoryCache(self, events);
  }

  Clients.Subscription subscribe(ClusterListener listener) {
    return events.subscribe(listener);
  }

  boolean isAvailable() {
    return synced && directory.isAvailable();
  }

  void start(String advertised) {
    this.address = advertised;
    directory.start(self, advertised, this);
    clients.subscribe(this);
    run(() -> {
      for (String name : clients.names()) {
        joined(name);
      }
    });
    thread.scheduleWithFixedDelay(() -> run(this::tick), 0, tickInterval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} on the cluster thread, unless too many wait; a resync then repairs. */
  private void run(Runnable task) {
    if (queued.incrementAndGet() > MAX_QUEUED_TASKS) {
      queued.decrementAndGet();
      synced = false;
      logger.error("cluster replica {}: over {} directory events wait; dropped one, resyncing", self, MAX_QUEUED_TASKS);
      return;
    }
    try {
      thread.execute(() -> {
        queued.decrementAndGet();
        try {
          task.run();
        } catch (RuntimeException e) {
          logger.error("cluster replica {}: a directory task failed", self, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      queued.decrementAndGet();
    }
  }

  // ---- RemoteClients: any thread, no blocking ----

  @Override
  public List<ClientInfo> list() {
    return cache.othersClients();
  }

  @Override
  public RemoteCall call(
      String client, Any payload, Map<String, String> metadata, long timeoutNanos, RemoteCall.Listener listener) {
    if (!directory.isAvailable()) {
      listener.onFailure(
          Status.UNAVAILABLE.withDescription(
              directory.describe() + " is unreachable, so client '" + client
                  + "', not connected to this replica, cannot be reached: clients held by other replicas are"
                  + " callable again once it is back; clients connected to this replica still are"),
          new Metadata());
      return status -> {};
    }
    DirectoryCache.Known known = cache.winner(client);
    if (known == null && !synced) {
      // Joins heard since the start are known; the directory's earlier ones are not read yet.
      listener.onFailure(
          Status.UNAVAILABLE.withDescription(
              "client '" + client + "' is not connected to this replica, and this replica has not read "
                  + directory.describe() + " yet (it reads it as it starts, and again whenever the"
                  + " directory returns); retry"),
          new Metadata());
      return status -> {};
    }
    if (known == null || known.entry().replica().equals(self)) {
      return null;
    }
    String replica = known.entry().replica();
    String at = cache.address(replica);
    if (at == null) {
      listener.onFailure(
          Status.UNAVAILABLE.withDescription(
              "replica " + replica + ", which holds client '" + client + "', is not in " + directory.describe()
                  + " any more; the client is callable again once it reconnects to a live replica"),
          new Metadata());
      return status -> {};
    }
    return peers.forward(replica, at, client, payload, metadata, timeoutNanos, listener);
  }

  @Override
  public Status refusal(String client, String identity) {
    DirectoryCache.Known holder = cache.winner(client);
    if (holder == null || holder.entry().replica().equals(self) || holder.entry().identity().equals(identity)) {
      return null;
    }
    return Status.PERMISSION_DENIED.withDescription(
        "client '" + client + "' is connected to replica " + holder.entry().replica()
            + " with another identity; only it may replace itself");
  }

  // ---- Directory.Listener: Redis threads, hop ----

  @Override
  public void onRegistered(DirectoryEntry entry, String replicaAddress) {
    run(() -> {
      cache.put(entry, replicaAddress);
      fence(entry.name());
    });
  }

  @Override
  public void onReleased(String replica, String name, long epoch) {
    run(() -> cache.remove(replica, name, epoch));
  }

  @Override
  public void onReconnected() {
    synced = false;
    run(this::tick);
  }

  // ---- ClientListener: callback executor, hop ----

  @Override
  public void onJoin(String client) {
    run(() -> joined(client));
  }

  @Override
  public void onLeave(String client) {
    run(() -> left(client));
  }

  // ---- cluster thread ----

  private void joined(String name) {
    ClientInfo info = clients.info(name);
    if (info == null || info.isRemote()) {
      return; // it left again; its leave follows
    }
    Local current = locals.get(name);
    if (current != null && current.connection == info.connection()) {
      return;
    }
    Local local =
        new Local(new DirectoryEntry(name, self, 0, info.identity(), info.labels(), info.joinedAt()), info.connection());
    locals.put(name, local);
    enqueue(local);
  }

  private void left(String name) {
    if (clients.isConnected(name)) {
      return; // a newer connection took the name; its join follows or came
    }
    Local local = locals.remove(name);
    if (local != null && local.epoch > 0) {
      cache.remove(self, name, local.epoch);
      directory.release(name, local.epoch)
          .whenComplete((removed, failure) -> {
            if (failure != null) {
              logger.debug("could not release {} in {} (the next resync will): {}", name, directory.describe(), failure.toString());
            }
          });
    }
  }

  private void enqueue(Local local) {
    local.registering = true;
    toRegister.add(local);
    if (!flushScheduled) {
      flushScheduled = true;
      run(this::flush); // joins arriving meanwhile go in the same registration
    }
  }

  private void flush() {
    flushScheduled = false;
    if (toRegister.isEmpty()) {
      return;
    }
    List<Local> batch = new ArrayList<>(toRegister);
    toRegister.clear();
    register(batch);
  }

  private void register(List<Local> batch) {
    List<DirectoryEntry> entries = new ArrayList<>(batch.size());
    for (Local local : batch) {
      entries.add(local.entry);
    }
    CompletionStage<List<Long>> registered = directory.register(entries);
    registered.whenComplete(
        (epochs, failure) -> run(() -> {
          for (int i = 0; i < batch.size(); i++) {
            Local local = batch.get(i);
            local.registering = false;
            if (failure == null && locals.get(local.entry.name()) == local) {
              local.epoch = epochs.get(i);
              cache.put(local.entry.withEpoch(local.epoch), address);
              fence(local.entry.name());
            }
          }
          if (failure != null) {
            logger.warn("cluster replica {}: could not register {} clients in {} (retrying at the next resync): {}",
                self, batch.size(), directory.describe(), failure.toString());
          }
        }));
  }

  /** Closes the connection here of {@code name} if another replica holds a newer one. */
  private void fence(String name) {
    Local local = locals.get(name);
    if (local == null || local.epoch == 0) {
      return;
    }
    long newer = cache.othersEpoch(name);
    if (newer > local.epoch) {
      // Its leave follows, and releases this replica's entry.
      LocalCalls.evict(clients, name, local.connection,
          "fencing epoch " + newer + " there, " + local.epoch + " here");
    }
  }

  /** Renews the lease, re-registers what the directory lost, and reads the whole directory. */
  private void tick() {
    if (ticking) {
      return;
    }
    ticking = true;
    directory.renew()
        .whenComplete((alive, failure) -> run(() -> {
          if (failure != null) {
            ticking = false;
            if (synced) {
              logger.warn("cluster replica {}: {} is unreachable: {}", self, directory.describe(), failure.toString());
            }
            synced = false;
            return;
          }
          reconcile();
          List<Local> again = new ArrayList<>();
          for (Local local : locals.values()) {
            if (!alive || (local.epoch == 0 && !local.registering)) {
              local.registering = true;
              again.add(local);
            }
          }
          boolean first = !renewedOnce;
          renewedOnce = true;
          if (!again.isEmpty()) {
            if (!alive && !first) {
              logger.info("cluster replica {}: its lease in {} was lost; registering its {} clients again",
                  self, directory.describe(), again.size());
            }
            register(again);
          }
          directory.snapshot().whenComplete((snapshot, failed) -> run(() -> {
            ticking = false;
            if (failed != null) {
              synced = false;
              return;
            }
            resync(snapshot);
          }));
        }));
  }

  /**
   * Catches up with joins and leaves whose events were lost (a listener queue over its bound
   * drops them), comparing the clients connected here with those this replica registered.
   */
  private void reconcile() {
    for (String name : new ArrayList<>(locals.keySet())) {
      if (!clients.isConnected(name)) {
        left(name);
      }
    }
    for (String name : clients.names()) {
      joined(name); // nothing for a connection already registered
    }
  }

  private void resync(DirectorySnapshot snapshot) {
    Map<String, DirectoryEntry> own = new HashMap<>();
    for (Local local : locals.values()) {
      if (local.epoch > 0) {
        own.put(local.entry.name(), local.entry.withEpoch(local.epoch));
      }
    }
    for (DirectoryEntry entry : snapshot.entries()) {
      if (entry.replica().equals(self)) {
        Local local = locals.get(entry.name());
        if (local == null || (local.epoch != entry.epoch() && !local.registering)) {
          directory.release(entry.name(), entry.epoch()); // left while the directory was unreachable
        }
      }
    }
    cache.replace(snapshot, own, address);
    peers.retainOnly(snapshot.replicas());
    for (String name : new ArrayList<>(locals.keySet())) {
      fence(name);
    }
    if (!synced) {
      logger.info("cluster replica {}: read {} ({} replicas, {} clients)",
          self, directory.describe(), snapshot.replicas().size(), snapshot.entries().size());
    }
    synced = true;
  }
}
