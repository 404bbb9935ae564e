package dev.agentrpc.example.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SleepObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet page in headless chromium, against a controller and six labelled agents over gRPC
 * on 127.0.0.1; agent-3 lacks the directory {@code release} the others have. A screenshot
 * of the finished rollout is left in the module's {@code target/fleet-page.png}.
 */
@Timeout(120)
class FleetPageTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private static ChromeDriver browser;
  private TestFleet fleet;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aBatchedRolloutFromThePageStopsAtTheFirstFailureAndShowsEveryOutcome() throws Exception {
    Map<String, Map<String, String>> agents = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) {
      agents.put("agent-" + i, Map.of("role", "web", "zone", i % 2 == 1 ? "eu" : "us"));
    }
    agents.put("agent-6", Map.of("role", "db", "note", "<b id=\"injected\">bold</b>"));
    fleet = TestFleet.startLabelled(dir, SleepObserver.none(), agents);
    for (String agent : List.of("agent-1", "agent-2", "agent-4", "agent-5", "agent-6")) {
      Files.createDirectories(dir.resolve(agent).resolve("release"));
    }
    WebDriverWait wait = new WebDriverWait(browser, WAIT);

    browser.get(fleet.controller().fleetUrl());
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#agents tr[data-state='connected']"), 6));
    assertThat(agentRow("agent-1").getText()).contains("role=web", "zone=eu", "connected");
    assertThat(agentRow("agent-6").getText())
        .as("a label is shown as text, never as markup")
        .contains("note=<b id=\"injected\">bold</b>");
    assertThat(browser.findElements(By.id("injected"))).isEmpty();

    Select method = new Select(browser.findElement(By.id("method")));
    wait.until(driver -> !method.getOptions().isEmpty());
    method.selectByValue("listDir");
    type("request", "{\"path\": \"release\"}");
    type("batch", "1");
    type("select", "role=web");
    type("max-failures", "0");
    browser.findElement(By.id("start")).click();

    wait.until(ExpectedConditions.attributeToBe(By.id("run"), "data-state", "done"));
    assertThat(browser.findElement(By.id("progress-text")).getText()).isEqualTo("5 / 5");
    assertThat(outcomes())
        .containsExactly(
            "agent-1 ANSWERED OK",
            "agent-2 ANSWERED OK",
            "agent-3 FAILED NOT_FOUND",
            "agent-4 NOT_CALLED NOT CALLED",
            "agent-5 NOT_CALLED NOT CALLED");
    assertThat(browser.findElement(By.id("run-status")).getText())
        .contains("2 answered, 1 failed, 2 not called")
        .contains("stopped after 1 failure (--max-failures 0); never called: agent-4, agent-5");
    List<WebElement> buckets = browser.findElements(By.cssSelector("#histogram .bucket"));
    assertThat(buckets).isNotEmpty();
    assertThat(buckets.stream().mapToInt(bucket -> Integer.parseInt(bucket.getDomAttribute("data-count"))).sum())
        .as("one latency per agent called")
        .isEqualTo(3);
    assertThat(browser.findElement(By.id("progress-bar")).getSize().getWidth())
        .isEqualTo(browser.findElement(By.cssSelector(".progress")).getSize().getWidth());

    Path screenshot = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("fleet-page.png");
    Files.createDirectories(screenshot.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void agentsJoiningAndLeavingShowUpWithoutAReload() throws Exception {
    fleet = TestFleet.startLabelled(dir, SleepObserver.none(), Map.of("agent-1", Map.of()));
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    browser.get(fleet.controller().fleetUrl());
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#agents tr[data-state='connected']"), 1));

    AgentRunner late = fleet.addAgent("agent-2", TestFleet.root(dir, "agent-2"), SleepObserver.none(), Map.of("zone", "eu"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#agents tr[data-agent='agent-2'][data-state='connected']")));
    assertThat(agentRow("agent-2").getText()).contains("zone=eu");

    late.close();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#agents tr[data-agent='agent-2'][data-state='left']")));
    assertThat(browser.findElement(By.id("agent-count")).getText()).isEqualTo("1 connected");
  }

  @Test
  void aBadRolloutIsRefusedWithItsReasonAndCallsNoOne() throws Exception {
    fleet = TestFleet.startLabelled(dir, SleepObserver.none(), Map.of("agent-1", Map.of()));
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    browser.get(fleet.controller().fleetUrl());
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#agents tr[data-state='connected']"), 1));

    type("batch", "0");
    browser.findElement(By.id("start")).click();
    wait.until(ExpectedConditions.textToBe(By.id("form-error"), "--batch is 1 to 100000, was 0"));

    type("batch", "");
    type("select", "zone=mars");
    browser.findElement(By.id("start")).click();
    wait.until(ExpectedConditions.textToBe(By.id("form-error"), "no connected agent matches 'zone=mars'"));
    assertThat(browser.findElement(By.id("run")).isDisplayed()).isFalse();
  }

  private WebElement agentRow(String agent) {
    return browser.findElement(By.cssSelector("#agents tr[data-agent='" + agent + "']"));
  }

  private void type(String field, String text) {
    WebElement input = browser.findElement(By.id(field));
    input.clear();
    input.sendKeys(text);
  }

  /** Each result row as "agent outcome status", in name order. */
  private List<String> outcomes() {
    return browser.findElements(By.cssSelector("#results tbody tr")).stream()
        .map(row -> row.getDomAttribute("data-agent") + " " + row.getDomAttribute("data-outcome") + " "
            + row.findElement(By.cssSelector(".status")).getText())
        .sorted()
        .toList();
  }
}
