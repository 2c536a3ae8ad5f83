package org.ugda.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's dashboard in a headless browser, for tests: {@link #take} saves a PNG of one run,
 * {@link #dom} returns the drawn DOM.
 *
 * <p>The page gets the API key through the URL fragment ({@code /#key=...&run=...}): a fragment is
 * never sent to the server (so the key is in no access log), and the page removes it from the
 * address bar ({@code history.replaceState}) as soon as it has read it, keeping the key in the
 * tab's {@code sessionStorage} only.
 */
public final class DashboardScreenshot {

  /** Page time for the page to fetch a finished run's data and draw every chart. */
  public static final Duration BUDGET = Duration.ofSeconds(15);

  private DashboardScreenshot() {}

  /**
   * Saves a screenshot of the dashboard showing {@code runId} to {@code out} (conventionally under
   * {@code target/}). Call {@link HeadlessChromium#assumeAvailable()} first.
   *
   * @param gateway the gateway's base URL, e.g. {@code http://localhost:8080/}
   * @param key an API key that may read {@code /api/**}
   * @param runId the pipeline run to show, or null for the newest
   * @return {@code out}, absolute
   */
  public static Path take(URI gateway, String key, String runId, Path out) {
    return HeadlessChromium.screenshot(url(gateway, key, runId), out, BUDGET);
  }

  /** The dashboard's DOM, drawn, for {@code runId} (or the newest run where null). */
  public static String dom(URI gateway, String key, String runId) {
    return HeadlessChromium.dumpDom(url(gateway, key, runId), BUDGET);
  }

  /** The page's address with the key (and the run) in the fragment. */
  public static URI url(URI gateway, String key, String runId) {
    String base = gateway.toString();
    if (!base.endsWith("/")) {
      base += "/";
    }
    StringBuilder fragment = new StringBuilder();
    if (key != null) {
      fragment.append("key=").append(URLEncoder.encode(key, StandardCharsets.UTF_8));
    }
    if (runId != null) {
      if (!fragment.isEmpty()) {
        fragment.append('&');
      }
      fragment.append("run=").append(URLEncoder.encode(runId, StandardCharsets.UTF_8));
    }
    return URI.create(base + (fragment.isEmpty() ? "" : "#" + fragment));
  }
}
