package org.ugda.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code /usr/bin/chromium}, headless, for tests of pages that draw themselves with
 * JavaScript: {@link #dumpDom} returns the DOM after the page's scripts ran, {@link #screenshot}
 * writes a PNG. Each call is one browser process with a fresh profile directory ({@code
 * --headless=new --no-sandbox --disable-gpu --window-size=W,H --virtual-time-budget=MS}).
 *
 * <p>The virtual time budget is how long, in page time, the page may run before the DOM is dumped
 * or the screenshot taken; page time stands still while a fetch is pending, so a page that fetches
 * its data and draws it is done well inside a few seconds of budget. Timers (polling) run fast in
 * virtual time.
 *
 * <p>A test calls {@link #assumeAvailable()} first: it is skipped, saying so, only where {@code
 * /usr/bin/chromium} is absent; a browser that is there but fails is a test failure.
 */
public final class HeadlessChromium {

  /** The browser this helper runs. */
  public static final Path BINARY = Path.of("/usr/bin/chromium");

  /** The window: wide enough for the dashboard's two columns, tall enough for its charts. */
  public static final int WIDTH = 1400;

  public static final int HEIGHT = 2000;

  /** The default page-time budget. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

  /** Wall-clock limit of one browser process. */
  private static final Duration WALL_LIMIT = Duration.ofSeconds(120);

  private HeadlessChromium() {}

  /** Whether {@link #BINARY} is there and executable. */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** A JUnit assumption: skips the test where {@link #BINARY} is absent. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(
        available(),
        BINARY + " is absent: the headless-browser test is skipped (apt-get install chromium)");
  }

  /** The DOM of {@code url} after its scripts ran for {@link #DEFAULT_BUDGET} of page time. */
  public static String dumpDom(URI url) {
    return dumpDom(url, DEFAULT_BUDGET);
  }

  /** The DOM of {@code url} (serialised HTML) after its scripts ran for {@code budget}. */
  public static String dumpDom(URI url, Duration budget) {
    return new String(run(url, budget, List.of("--dump-dom")), StandardCharsets.UTF_8);
  }

  /** A PNG of {@code url} at {@link #WIDTH} x {@link #HEIGHT}, written to {@code file}. */
  public static Path screenshot(URI url, Path file) {
    return screenshot(url, file, DEFAULT_BUDGET);
  }

  /** A PNG of {@code url} after {@code budget} of page time, written to {@code file}. */
  public static Path screenshot(URI url, Path file, Duration budget) {
    Path out = file.toAbsolutePath();
    try {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.deleteIfExists(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the screenshot " + out + ": " + e, e);
    }
    run(url, budget, List.of("--screenshot=" + out));
    if (!Files.isRegularFile(out)) {
      throw new IllegalStateException("chromium wrote no screenshot to " + out);
    }
    return out;
  }

  private static byte[] run(URI url, Duration budget, List<String> action) {
    if (!available()) {
      throw new IllegalStateException(BINARY + " is absent");
    }
    Path profile = null;
    Path err = null;
    try {
      profile = Files.createTempDirectory("chromium-profile");
      err = Files.createTempFile("chromium", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(BINARY.toString());
      cmd.add("--headless=new");
      cmd.add("--no-sandbox");
      cmd.add("--disable-gpu");
      cmd.add("--disable-dev-shm-usage");
      cmd.add("--no-first-run");
      cmd.add("--no-default-browser-check");
      cmd.add("--disable-extensions");
      cmd.add("--disable-background-networking");
      cmd.add("--user-data-dir=" + profile);
      cmd.add("--window-size=" + WIDTH + "," + HEIGHT);
      cmd.add("--virtual-time-budget=" + budget.toMillis());
      cmd.addAll(action);
      cmd.add(url.toString());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(false)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      // stdout is read on its own thread so that a large DOM never blocks the browser
      var reader =
          new Thread(
              () -> {
                try {
                  p.getInputStream().transferTo(stdout);
                } catch (IOException ignored) {
                  // the process died; the exit code tells
                }
              });
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(WALL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "chromium ran past " + WALL_LIMIT.toSeconds() + " s on " + url + tail(err));
      }
      reader.join(10_000);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "chromium exited with " + p.exitValue() + " on " + url + tail(err));
      }
      return stdout.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + BINARY + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while chromium ran", e);
    } finally {
      delete(profile);
      delete(err);
    }
  }

  private static String tail(Path err) {
    try {
      String s = Files.readString(err, StandardCharsets.UTF_8);
      return "; its last output:\n" + s.substring(Math.max(0, s.length() - 2000));
    } catch (IOException e) {
      return "";
    }
  }

  private static void delete(Path path) {
    if (path == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // a temporary file left behind
    }
  }
}
