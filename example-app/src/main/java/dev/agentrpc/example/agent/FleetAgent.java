package dev.agentrpc.example.agent;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.agentrpc.example.AgentFunctions;
import dev.agentrpc.example.v1.DirEntry;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.EchoResponse;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.ListDirResponse;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's implementation of the fleet operations: real host facts, directory listings
 * confined to a {@link SandboxRoot}, a cancellable sleep and an echo.
 *
 * <p>Thread-safe. Close it to stop its sleep timer.
 */
public final class FleetAgent implements AgentFunctions, AutoCloseable {
  /** The longest sleep a caller may ask for. */
  public static final long MAX_SLEEP_MILLIS = TimeUnit.MINUTES.toMillis(10);

  /** The most entries one listDir reply carries. */
  public static final int MAX_ENTRIES = 1000;

  private final String name;
  private final SandboxRoot root;
  private final SleepObserver sleepObserver;
  private final ScheduledThreadPoolExecutor timer;

  /** An agent named {@code name} that lists directories below {@code root}. */
  public FleetAgent(String name, SandboxRoot root) {
    this(name, root, SleepObserver.none());
  }

  /**
   * An agent named {@code name} that lists directories below {@code root} and tells
   * {@code sleepObserver} when each sleep starts and how it ended.
   */
  public FleetAgent(String name, SandboxRoot root, SleepObserver sleepObserver) {
    this.name = Objects.requireNonNull(name, "name");
    this.root = Objects.requireNonNull(root, "root");
    this.sleepObserver = Objects.requireNonNull(sleepObserver, "sleepObserver");
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "fleet-agent-timer-" + name);
              thread.setDaemon(true);
              return thread;
            });
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** The agent's name. */
  public String name() {
    return name;
  }

  /** The directory listDir shows. */
  public SandboxRoot root() {
    return root;
  }

  @Override
  public HostInfo hostInfo(HostInfoRequest request) {
    Runtime runtime = Runtime.getRuntime();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    HostInfo.Builder info =
        HostInfo.newBuilder()
            .setAgent(name)
            .setHostname(Hostname.get())
            .setOs(os.getName() + " " + os.getVersion() + " (" + os.getArch() + ")")
            .setCores(runtime.availableProcessors())
            .setJvmUptime(millis(ManagementFactory.getRuntimeMXBean().getUptime()))
            .setJvmFreeMemoryBytes(runtime.freeMemory())
            .setJvmMaxMemoryBytes(runtime.maxMemory())
            .setJavaVersion(System.getProperty("java.version", ""));
    double load = os.getSystemLoadAverage();
    if (load >= 0) {
      info.setSystemLoad(load);
    }
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      long free = ((com.sun.management.OperatingSystemMXBean) os).getFreeMemorySize();
      if (free >= 0) {
        info.setSystemFreeMemoryBytes(free);
      }
    }
    return info.build();
  }

  @Override
  public ListDirResponse listDir(ListDirRequest request) throws StatusException {
    Path dir = root.resolve(request.getPath());
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw Status.FAILED_PRECONDITION
          .withDescription("'" + request.getPath() + "' is not a directory")
          .asException();
    }
    List<DirEntry> entries = new ArrayList<>();
    boolean truncated = false;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        if (Context.current().isCancelled()) {
          throw Status.CANCELLED.withDescription("listDir was cancelled").asException();
        }
        if (entries.size() == MAX_ENTRIES) {
          truncated = true;
          break;
        }
        entries.add(entry(child));
      }
    } catch (NotDirectoryException e) {
      throw Status.FAILED_PRECONDITION
          .withDescription("'" + request.getPath() + "' is not a directory")
          .asException();
    } catch (IOException | SecurityException e) {
      throw Status.PERMISSION_DENIED
          .withDescription("'" + request.getPath() + "' cannot be listed: " + e.getClass().getSimpleName())
          .asException();
    }
    entries.sort(Comparator.comparing(DirEntry::getName));
    return ListDirResponse.newBuilder()
        .setPath(root.relativize(dir))
        .addAllEntries(entries)
        .setTruncated(truncated)
        .build();
  }

  @Override
  public CompletableFuture<SleepResponse> sleep(SleepRequest request) {
    long requested = Integer.toUnsignedLong(request.getMillis());
    if (requested > MAX_SLEEP_MILLIS) {
      return CompletableFuture.failedFuture(
          Status.INVALID_ARGUMENT
              .withDescription("sleep is limited to " + MAX_SLEEP_MILLIS + " ms, was asked for " + requested)
              .asRuntimeException());
    }
    long start = System.nanoTime();
    Context context = Context.current();
    CompletableFuture<SleepResponse> result = new CompletableFuture<>();
    sleepObserver.started(name, requested);
    ScheduledFuture<?> wake =
        timer.schedule(
            () -> {
              result.complete(
                  SleepResponse.newBuilder()
                      .setAgent(name)
                      .setSleptMillis((int) elapsedMillis(start))
                      .build());
            },
            requested,
            TimeUnit.MILLISECONDS);
    // Wakes the sleep when the call is cancelled or its deadline passes; runs at once if
    // that already happened.
    context.addListener(
        cancelled -> result.completeExceptionally(statusOf(cancelled.cancellationCause()).asRuntimeException()),
        Runnable::run);
    result.whenComplete(
        (response, failure) -> {
          wake.cancel(false);
          sleepObserver.ended(eventOf(requested, elapsedMillis(start), failure, context));
        });
    return result;
  }

  @Override
  public EchoResponse echo(EchoRequest request) {
    return EchoResponse.newBuilder().setAgent(name).setText(request.getText()).build();
  }

  /** Stops the sleep timer; sleeps in flight never answer. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  private SleepEvent eventOf(long requested, long elapsed, Throwable failure, Context context) {
    if (failure == null) {
      return new SleepEvent(name, requested, elapsed, SleepEvent.Outcome.COMPLETED, "");
    }
    Throwable cause = context.cancellationCause();
    if (cause instanceof TimeoutException) {
      return new SleepEvent(name, requested, elapsed, SleepEvent.Outcome.DEADLINE_EXCEEDED, "the deadline passed");
    }
    Status status = statusOf(cause != null ? cause : failure);
    String detail = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    return new SleepEvent(name, requested, elapsed, SleepEvent.Outcome.CANCELLED, detail);
  }

  private static Status statusOf(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription("the sleep's deadline passed");
    }
    if (cause == null) {
      return Status.CANCELLED.withDescription("the sleep was cancelled");
    }
    Status status = Status.fromThrowable(cause);
    return status.getCode() == Status.Code.UNKNOWN
        ? Status.CANCELLED.withDescription("the sleep was cancelled").withCause(cause)
        : status;
  }

  private static DirEntry entry(Path child) {
    DirEntry.Builder entry =
        DirEntry.newBuilder().setName(String.valueOf(child.getFileName()));
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      entry.setKind(
          attributes.isSymbolicLink()
              ? DirEntry.Kind.SYMLINK
              : attributes.isDirectory()
                  ? DirEntry.Kind.DIRECTORY
                  : attributes.isRegularFile() ? DirEntry.Kind.FILE : DirEntry.Kind.OTHER);
      if (attributes.isRegularFile()) {
        entry.setSizeBytes(attributes.size());
      }
      Instant modified = attributes.lastModifiedTime().toInstant();
      entry.setModified(
          Timestamp.newBuilder().setSeconds(modified.getEpochSecond()).setNanos(modified.getNano()));
    } catch (IOException | SecurityException e) {
      entry.setKind(DirEntry.Kind.OTHER);
    }
    return entry.build();
  }

  private static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static Duration millis(long millis) {
    return Duration.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }

  /** The machine's name, found once without a DNS lookup where possible. */
  private static final class Hostname {
    private static final String NAME = find();

    static String get() {
      return NAME;
    }

    private static String find() {
      try {
        Path proc = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(proc)) {
          String name = Files.readString(proc, StandardCharsets.UTF_8).trim();
          if (!name.isEmpty()) {
            return name;
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through to the next source
      }
      for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
        String name = System.getenv(variable);
        if (name != null && !name.isBlank()) {
          return name.trim();
        }
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException | RuntimeException e) {
        return "unknown";
      }
    }
  }
}
