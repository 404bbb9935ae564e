package dev.agentrpc.example.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's headless chromium, driven through its chromedriver (Debian's {@code chromium}
 * and {@code chromium-driver}, which {@code .ci/setup} installs). Where they are missing a
 * test is skipped, except under CI or with AGENTRPC_REQUIRE_BROWSER set, where it fails.
 */
final class Chromium {
  private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");

  // Held: java.util.logging keeps loggers weakly. The tests use no DevTools, so its notice
  // that none matches this chromium's version is noise.
  private static final Logger DEVTOOLS = Logger.getLogger("org.openqa.selenium.devtools");

  private Chromium() {}

  /** A new headless browser: skips or fails the test when there is none, as the class says. */
  static ChromeDriver start() {
    Optional<Path> browser = BROWSERS.stream().map(Chromium::onPath).flatMap(Optional::stream).findFirst();
    Optional<Path> driver = onPath("chromedriver");
    if (browser.isEmpty() || driver.isEmpty()) {
      String missing =
          (browser.isEmpty() ? "chromium" : "") + (browser.isEmpty() && driver.isEmpty() ? " and " : "")
              + (driver.isEmpty() ? "chromedriver" : "");
      if (required()) {
        assertThat(missing).as("the browser test needs chromium and chromedriver (bash .ci/setup installs them)").isEmpty();
      }
      Assumptions.abort(missing + " not found on PATH: the fleet page's browser test is skipped (bash .ci/setup installs it)");
    }
    DEVTOOLS.setLevel(Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.get().toFile());
    // As root in a container: no sandbox, and no reliance on a small /dev/shm.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.get().toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    return new ChromeDriver(service, options);
  }

  /** Whether a missing browser fails the test: under CI, or when asked to. */
  static boolean required() {
    String require = System.getenv("AGENTRPC_REQUIRE_BROWSER");
    return "true".equals(System.getenv("CI")) || (require != null && !require.isEmpty() && !"0".equals(require));
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir).resolve(name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
