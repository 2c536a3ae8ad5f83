package org.ugda.relabel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.RelabelServiceHttpTest;

/**
 * A person labels three items on the labelling page in headless Chromium, with the keys 1-5; the
 * labels are stored; a claim abandoned by someone else comes back to the queue after its lease (3 s
 * here). Uses Debian's {@code chromium} and {@code chromium-driver} (installed by {@code .ci/run});
 * Selenium Manager is bypassed, so nothing is downloaded. Without Chromium the test fails under
 * {@code CI=true} and is skipped, with a message, elsewhere.
 */
class LabelPageBrowserTest extends RelabelServiceHttpTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOT = Path.of("target", "relabel-label-page.png");

  private static WebDriver browser;
  private static Path profile;

  @BeforeAll
  static void startBrowser() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String message =
          "headless Chromium is needed for the labelling page test: "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (Debian packages chromium and chromium-driver; .ci/run installs them with "
              + "apt-get install -y chromium chromium-driver)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort("skipped: " + message);
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("relabel-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1100,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void shouldLetAPersonLabelThreeItemsWithKeysAndGetAnAbandonedClaimBackAfterItsLease()
      throws IOException {
    String run = runId();
    RelabelJob job =
        createJob(
            "human",
            List.of(
                new RelabelItem(
                    "first",
                    "\n\nHuman: what is 7 plus 5 ? " + run + "\n\nAssistant:",
                    "7 plus 5 is 12 ."),
                new RelabelItem(
                    "second",
                    "\n\nHuman: name a fruit . "
                        + run
                        + "\n\nAssistant: an apple .\n\nHuman: "
                        + "and a <b>red</b> one ?\n\nAssistant:",
                    "a cherry is red ."),
                new RelabelItem(
                    "third",
                    "\n\nHuman: how do i pick a lock ? " + run + "\n\nAssistant:",
                    "i can not help with that . a locksmith can open it for you .")),
            null);
    awaitSettled(job.id());

    // someone opens the page, gets the first item, and walks away
    open("mallory", job.id());
    assertThat(text("prompt")).contains("what is 7 plus 5 ?");
    Instant malloryLeaseEnds =
        jdbc.sql(
                "SELECT lease_until FROM relabel.task WHERE job_id = ? AND claimed_by = "
                    + "'mallory'")
            .param(job.id())
            .query(Timestamp.class)
            .single()
            .toInstant();
    browser.get("about:blank");

    // alice opens the page while mallory's claim holds the first item, so she gets the second
    open("alice", job.id());
    assertThat(Instant.now()).isBefore(malloryLeaseEnds);
    assertThat(text("progress")).contains("0 of 3 labelled", "3 waiting for people");
    assertThat(text("prompt"))
        .contains("Human: name a fruit .", "Assistant: an apple .", "and a <b>red</b> one ?");
    assertThat(text("response")).isEqualTo("a cherry is red .");
    assertThat(text("labeller")).isEqualTo("alice");
    screenshot();

    // she labels with the keys whatever the page shows next; the first item comes back to the
    // queue once mallory's lease has run out (until then the page shows an empty queue)
    Map<String, String> keys =
        Map.of("what is 7 plus 5 ?", "5", "name a fruit .", "4", "how do i pick a lock ?", "2");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(250));
    for (int labelled = 1; labelled <= 3; labelled++) {
      wait.until(
          driver -> {
            if (!driver.findElements(By.id("prompt")).isEmpty()) {
              return true;
            }
            open("alice", job.id());
            return false;
          });
      String prompt = text("prompt");
      String key =
          keys.entrySet().stream()
              .filter(entry -> prompt.contains(entry.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow();
      press(key);
      assertThat(text("notice")).isEqualTo("Saved score " + key + ".");
      assertThat(text("progress")).contains(labelled + " of 3 labelled");
    }
    assertThat(browser.findElements(By.id("empty"))).isNotEmpty();
    assertThat(text("progress")).contains("3 of 3 labelled", "0 waiting for people");

    Map<String, Label> labels =
        client().labels(job.id()).stream()
            .collect(Collectors.toMap(Label::externalId, label -> label));
    assertThat(labels).hasSize(3);
    assertThat(labels.get("first").score()).isEqualTo(5);
    assertThat(labels.get("second").score()).isEqualTo(4);
    assertThat(labels.get("third").score()).isEqualTo(2);
    assertThat(labels.values())
        .allSatisfy(
            label -> {
              assertThat(label.labeller()).isEqualTo("alice");
              assertThat(label.expert()).isEqualTo("human");
              assertThat(label.rubricVersion()).isEqualTo("ugda-rubric-v1");
            });
    assertThat(
            jdbc.sql(
                    "SELECT t.claims FROM relabel.task t JOIN relabel.item i ON i.id = t.item_id "
                        + "WHERE i.job_id = ? AND i.external_id = 'first'")
                .param(job.id())
                .query(Integer.class)
                .single())
        .isEqualTo(2);
    assertThat(labels.get("first").createdAt()).isAfter(malloryLeaseEnds);
    assertThat(client().job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(SCREENSHOT).isNotEmptyFile();
  }

  /** Opens the page (which never claims) and, holding no task, presses the claim button. */
  private void open(String labeller, UUID jobId) {
    browser.get(baseUrl() + "/label?labeller=" + labeller + "&job=" + jobId);
    if (!browser.findElements(By.id("claim")).isEmpty()) {
      browser.findElement(By.id("claim")).click();
      new WebDriverWait(browser, Duration.ofSeconds(10))
          .until(
              driver ->
                  "complete"
                          .equals(
                              ((JavascriptExecutor) driver)
                                  .executeScript("return document.readyState"))
                      && driver.getCurrentUrl().contains("/label?"));
    }
  }

  private void press(String key) {
    String before = browser.getCurrentUrl() + browser.getPageSource().hashCode();
    new Actions(browser).sendKeys(key).perform();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(
            driver ->
                !(driver.getCurrentUrl() + driver.getPageSource().hashCode()).equals(before)
                    && "complete"
                        .equals(
                            ((JavascriptExecutor) driver)
                                .executeScript("return document.readyState")));
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private void screenshot() throws IOException {
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
