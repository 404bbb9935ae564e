package dev.agentrpc.example.agent;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The directory an agent may show, and the one check every requested path passes before
 * anything below it is read.
 *
 * <p>A request names a path relative to the root. It is refused, before the file system is
 * touched, when it is absolute, holds a {@code ..} element or a NUL character; then it is
 * resolved with every symbolic link followed and refused when the real path lies outside
 * the root's real path. What is listed is the real path that passed the check, never the
 * name the request gave.
 *
 * <p>Limit: the check guards against requests, not against a local user who swaps a
 * directory for a symbolic link inside the root between the check and the listing.
 */
public final class SandboxRoot {
  private final Path root;

  private SandboxRoot(Path root) {
    this.root = root;
  }

  /**
   * A sandbox over {@code dir}, which must be an existing directory; its real path (links
   * followed) becomes the root.
   *
   * @throws IOException if {@code dir} does not exist or is not a directory
   */
  public static SandboxRoot of(Path dir) throws IOException {
    Path real = Objects.requireNonNull(dir, "dir").toAbsolutePath().toRealPath();
    if (!Files.isDirectory(real)) {
      throw new IOException(dir + " is not a directory");
    }
    return new SandboxRoot(real);
  }

  /** The root's real path. */
  public Path path() {
    return root;
  }

  /**
   * The real path of {@code requested} below the root.
   *
   * @param requested relative to the root, '/' between names; "" and "." name the root
   * @throws StatusException INVALID_ARGUMENT for an absolute or malformed path;
   *     PERMISSION_DENIED for a path that leaves the root, by {@code ..} or by a link;
   *     NOT_FOUND when nothing is there
   */
  public Path resolve(String requested) throws StatusException {
    Path relative = lexicallyChecked(requested);
    Path real;
    try {
      real = root.resolve(relative).toRealPath();
    } catch (NoSuchFileException e) {
      throw Status.NOT_FOUND
          .withDescription("'" + requested + "' does not exist below the agent's root")
          .asException();
    } catch (IOException | SecurityException e) {
      throw Status.PERMISSION_DENIED
          .withDescription("'" + requested + "' cannot be resolved: " + e.getClass().getSimpleName())
          .asException();
    }
    if (!real.startsWith(root)) {
      throw Status.PERMISSION_DENIED
          .withDescription("'" + requested + "' leaves the agent's root through a symbolic link")
          .asException();
    }
    return real;
  }

  /** {@code real}, a path {@link #resolve} returned, relative to the root: "." for the root. */
  public String relativize(Path real) {
    Path relative = root.relativize(real);
    String text = relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    return text.isEmpty() ? "." : text;
  }

  /** The checks that need no file system: relative, no "..", well formed. */
  private Path lexicallyChecked(String requested) throws StatusException {
    Objects.requireNonNull(requested, "requested");
    if (requested.indexOf('\0') >= 0) {
      throw invalid("the path contains a NUL character");
    }
    if (requested.startsWith("/") || requested.startsWith("\\")) {
      throw invalid("'" + requested + "' is absolute; give a path relative to the agent's root");
    }
    Path path;
    try {
      path = root.getFileSystem().getPath(requested.isEmpty() ? "." : requested);
    } catch (InvalidPathException e) {
      throw invalid("'" + requested + "' is not a valid path: " + e.getReason());
    }
    if (path.isAbsolute() || path.getRoot() != null) {
      throw invalid("'" + requested + "' is absolute; give a path relative to the agent's root");
    }
    for (Path element : path) {
      if (element.toString().equals("..")) {
        throw Status.PERMISSION_DENIED
            .withDescription("'" + requested + "' contains '..'; paths may not leave the agent's root")
            .asException();
      }
    }
    return path;
  }

  private static StatusException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asException();
  }
}
