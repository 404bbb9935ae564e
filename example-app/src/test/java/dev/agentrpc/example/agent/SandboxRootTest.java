package dev.agentrpc.example.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.example.v1.DirEntry;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.ListDirResponse;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** listDir stays below the agent's root: {@code ..}, absolute paths and links out are refused. */
class SandboxRootTest {
  @TempDir Path temp;

  private Path root;
  private Path outside;
  private FleetAgent agent;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(temp.resolve("root"));
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "do not show");
    Files.createDirectories(root.resolve("logs/2026"));
    Files.writeString(root.resolve("logs/app.log"), "hello\n");
    Files.writeString(root.resolve("config.yaml"), "a: 1\n");
    agent = new FleetAgent("agent-1", SandboxRoot.of(root));
  }

  @Test
  void listsTheRootAndSubdirectories() throws StatusException {
    ListDirResponse top = agent.listDir(ListDirRequest.getDefaultInstance());
    assertThat(top.getPath()).isEqualTo(".");
    assertThat(top.getEntriesList()).extracting(DirEntry::getName).containsExactly("config.yaml", "logs");
    assertThat(top.getEntries(0).getKind()).isEqualTo(DirEntry.Kind.FILE);
    assertThat(top.getEntries(0).getSizeBytes()).isEqualTo(5);
    assertThat(top.getEntries(1).getKind()).isEqualTo(DirEntry.Kind.DIRECTORY);

    ListDirResponse logs = agent.listDir(ListDirRequest.newBuilder().setPath("logs/").build());
    assertThat(logs.getPath()).isEqualTo("logs");
    assertThat(logs.getEntriesList()).extracting(DirEntry::getName).containsExactly("2026", "app.log");
    assertThat(agent.listDir(ListDirRequest.newBuilder().setPath("./logs/./2026").build()).getPath())
        .isEqualTo("logs/2026");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../", "../outside", "logs/../..", "logs/../../outside", "logs/..", "./..", "../no-such-dir"})
  void refusesDotDot(String path) {
    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath(path).build()), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void refusesAbsolutePaths() {
    for (String path : new String[] {outside.toString(), root.toString(), "/", "/etc", "\\\\server\\share"}) {
      assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath(path).build()), Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void refusesNul() {
    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath("logs\0").build()), Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void refusesASymlinkOutOfTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.createSymbolicLink(root.resolve("logs/up"), temp);

    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath("escape").build()), Status.Code.PERMISSION_DENIED);
    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath("logs/up").build()), Status.Code.PERMISSION_DENIED);
    assertRefused(
        () -> agent.listDir(ListDirRequest.newBuilder().setPath("logs/up/outside").build()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aSiblingWhoseNameStartsLikeTheRootIsOutside() throws IOException {
    Path sibling = Files.createDirectories(temp.resolve("root-backup"));
    Files.writeString(sibling.resolve("old.txt"), "old");
    Files.createSymbolicLink(root.resolve("backup"), sibling);

    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath("backup").build()), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void listsSymlinksWithoutFollowingThemAndFollowsOnesThatStayInside() throws Exception {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.createSymbolicLink(root.resolve("latest"), root.resolve("logs/2026"));

    ListDirResponse top = agent.listDir(ListDirRequest.getDefaultInstance());
    assertThat(top.getEntriesList())
        .filteredOn(entry -> entry.getName().equals("escape"))
        .singleElement()
        .satisfies(entry -> assertThat(entry.getKind()).isEqualTo(DirEntry.Kind.SYMLINK));
    // a link that stays inside is listed at its real place
    assertThat(agent.listDir(ListDirRequest.newBuilder().setPath("latest").build()).getPath())
        .isEqualTo("logs/2026");
  }

  @Test
  void aRootThatIsItselfALinkIsResolvedOnce() throws Exception {
    Path link = Files.createSymbolicLink(temp.resolve("root-link"), root);
    FleetAgent viaLink = new FleetAgent("agent-2", SandboxRoot.of(link));
    assertThat(viaLink.listDir(ListDirRequest.getDefaultInstance()).getEntriesCount()).isEqualTo(2);
    assertRefused(() -> viaLink.listDir(ListDirRequest.newBuilder().setPath("..").build()), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void missingAndNonDirectoryPathsGetClearStatuses() {
    assertRefused(() -> agent.listDir(ListDirRequest.newBuilder().setPath("nope").build()), Status.Code.NOT_FOUND);
    assertRefused(
        () -> agent.listDir(ListDirRequest.newBuilder().setPath("config.yaml").build()),
        Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void aRootMustBeAnExistingDirectory() {
    assertThatThrownBy(() -> SandboxRoot.of(temp.resolve("missing"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SandboxRoot.of(root.resolve("config.yaml"))).isInstanceOf(IOException.class);
  }

  private static void assertRefused(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call)
        .isInstanceOf(StatusException.class)
        .satisfies(e -> assertThat(((StatusException) e).getStatus().getCode()).isEqualTo(code))
        .satisfies(e -> assertThat(((StatusException) e).getStatus().getDescription()).isNotBlank());
  }
}
