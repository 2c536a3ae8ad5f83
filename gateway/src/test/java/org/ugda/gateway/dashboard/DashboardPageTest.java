package org.ugda.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.testsupport.DashboardScreenshot;
import org.ugda.testsupport.HeadlessChromium;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard as a browser shows it: the gateway (started through its {@code main}, on a real
 * PostgreSQL) serves the page, its assets and the service routes; the runs come from {@link
 * FixtureRunsFilter}, and a real HTTP server ({@code com.sun.net.httpserver}) on a local port
 * stands in for the four services, answering {@link DashboardFixtures}' JSON on the paths the page
 * fetches through the gateway. Headless Chromium ({@link HeadlessChromium}) runs the page's
 * scripts; the tests read the DOM it drew and save a screenshot under {@code target/dashboard/}.
 *
 * <p>This is a page-rendering test on fixture data. The real end-to-end screenshot, of a finished
 * pipeline run through the real services, is taken by the pipeline's end-to-end test in the
 * standalone module with {@link DashboardScreenshot#take}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
@Import(FixtureRunsFilter.class)
class DashboardPageTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static HttpServer upstream;

  /** What the stand-in services were asked, as "METHOD uri | Authorization". */
  private static final List<String> seen = new CopyOnWriteArrayList<>();

  private final URI gateway;

  private final HttpClient http = HttpClient.newHttpClient();

  DashboardPageTest(@LocalServerPort int port) {
    this.gateway = URI.create("http://localhost:" + port + "/");
  }

  @BeforeAll
  static void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    upstream.createContext("/", DashboardPageTest::answer);
    upstream.start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.stop(0);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    // runs another test class left interrupted on the shared database stay so here
    registry.add("ugda.pipeline.resume-interrupted", () -> "false");
    // the page's key is a real admin key of the gateway's API-key filter
    registry.add("ugda.gateway.admin-key", () -> DashboardFixtures.KEY);
    for (String service : new String[] {"reward", "policy", "selection", "relabel"}) {
      registry.add(
          "ugda.services." + service + "-url",
          () -> "http://localhost:" + upstream.getAddress().getPort());
    }
  }

  private static final Pattern AFTER = Pattern.compile("after=(\\d+)");

  private static void answer(HttpExchange exchange) throws IOException {
    String uri = exchange.getRequestURI().toString();
    seen.add(
        exchange.getRequestMethod()
            + " "
            + uri
            + " | "
            + exchange.getRequestHeaders().getFirst("Authorization"));
    String path = exchange.getRequestURI().getPath();
    Object body;
    if (path.equals("/v1/runs/" + DashboardFixtures.PPO_RUN + "/steps")) {
      body = DashboardFixtures.ppoSteps(false);
    } else if (path.equals("/v1/runs/" + DashboardFixtures.PPO_REFINED_RUN + "/steps")) {
      body = DashboardFixtures.ppoSteps(true);
    } else if (path.equals("/v1/selections/" + DashboardFixtures.SELECTION)) {
      body = DashboardFixtures.selectionView();
    } else if (path.equals("/v1/selections/" + DashboardFixtures.SELECTION + "/samples")) {
      Matcher after = AFTER.matcher(uri);
      body =
          DashboardFixtures.samplesPage(after.find() ? Integer.parseInt(after.group(1)) : 0, 1000);
    } else if (path.equals("/v1/relabel/jobs/" + DashboardFixtures.RELABEL_JOB + "/labels")) {
      body = DashboardFixtures.labels();
    } else if (path.equals("/v1/ensembles/" + DashboardFixtures.ENSEMBLE + "/versions")) {
      body = DashboardFixtures.versions();
    } else {
      send(
          exchange,
          404,
          "application/problem+json",
          Map.of("title", "Not found", "status", 404, "detail", "no " + path));
      return;
    }
    send(exchange, 200, "application/json", body);
  }

  private static void send(HttpExchange exchange, int status, String type, Object body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(gateway.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndItsAssetsWithoutAKeyWithTheirContentTypes() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(DashboardConfiguration.CONTENT_SECURITY_POLICY);
    assertThat(page.body())
        .contains("dashboard/dashboard.js")
        .doesNotContain("http://", "https://");

    for (var asset :
        Map.of("dashboard/dashboard.js", "text/javascript", "dashboard/dashboard.css", "text/css")
            .entrySet()) {
      HttpResponse<String> r = get(asset.getKey());
      assertThat(r.statusCode()).as(asset.getKey()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .as(asset.getKey())
          .hasValueSatisfying(t -> assertThat(t).startsWith(asset.getValue()));
      // nothing from the internet: no absolute URL in any asset, no HTML sink in the script
      assertThat(
              r.body()
                  .replace("\"http://www.w3.org/2000/svg\"", "")
                  .replace("'http://www.w3.org/2000/svg'", ""))
          .doesNotContain("http://", "https://");
      if (asset.getKey().endsWith(".js")) {
        assertThat(r.body().replaceAll("(?m)^\\s*//.*$", ""))
            .doesNotContain(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write");
      }
    }
    assertThat(get("/dashboard/nothing-here.js").statusCode()).isEqualTo(404);
  }

  @Test
  void drawsTheRunsAndEveryChartOfAFinishedRunAndShowsHostileTextAsText() {
    HeadlessChromium.assumeAvailable();
    seen.clear();

    String dom = DashboardScreenshot.dom(gateway, DashboardFixtures.KEY, null);

    assertThat(dom).contains("data-ready=\"true\"", "data-runs=\"3\"");
    assertThat(dom).as("no injected script ran").contains("data-pwned=\"no\"");
    assertThat(dom).as("the key left the address bar").contains("data-key-in-url=\"no\"");
    // the hostile run name is text: escaped in the serialised DOM, no <img> element anywhere
    assertThat(dom).contains("&lt;img src=x onerror=\"window.__pwned=1\"&gt;ugda demo");
    assertThat(dom).doesNotContain("<img", "<b onmouseover");
    assertThat(dom).contains("ppo baseline", "lcb live", "reused from run");
    for (String chart :
        List.of(
            "proxy-mean",
            "proxy-variance",
            "gold-proxy",
            "overopt",
            "variance-hist",
            "influence",
            "scores",
            "versions",
            "results")) {
      assertThat(dom).contains("data-chart=\"" + chart + "\" data-state=\"drawn\"");
    }
    assertThat(dom).contains("γ = 0.50", "0.748", "650", "helpful", "harmless");
    // the selection's samples were read page by page; the key stopped at the gateway
    assertThat(seen).anyMatch(s -> s.contains("/samples?limit=1000&after=2000"));
    assertThat(seen).allMatch(s -> s.endsWith("| null"));
  }

  @Test
  void showsAFailedRunsErrorAsTextAndSaysWhyItsChartsAreMissing() {
    HeadlessChromium.assumeAvailable();

    String dom = DashboardScreenshot.dom(gateway, DashboardFixtures.KEY, DashboardFixtures.FAILED);

    assertThat(dom).contains("data-ready=\"true\"", "data-pwned=\"no\"");
    assertThat(dom)
        .contains(
            "&lt;script&gt;window.__pwned=2&lt;/script&gt;&lt;b onmouseover=\"window.__pwned=3\"&gt;")
        .doesNotContain("<b onmouseover");
    assertThat(dom)
        .contains(
            "data-chart=\"proxy-mean\" data-state=\"missing\"",
            "not available: first PPO: the ppo step failed",
            "data-chart=\"variance-hist\" data-state=\"missing\"",
            "not available: a ppo run has no select step",
            "not available: the evaluate step has not finished (pending)");
  }

  @Test
  void pollsWhileTheSelectedRunIsRunning() {
    HeadlessChromium.assumeAvailable();
    seen.clear();

    String dom = DashboardScreenshot.dom(gateway, DashboardFixtures.KEY, DashboardFixtures.LIVE);

    assertThat(dom).contains("live, every 3 s", "step: 12", "steps: 40", "10 min", "so far");
    assertThat(dom).contains("data-chart=\"proxy-mean\" data-state=\"drawn\"");
    // the running PPO step's figures were fetched again on the polls (page time runs fast)
    assertThat(
            seen.stream()
                .filter(s -> s.contains("/v1/runs/" + DashboardFixtures.PPO_RUN + "/steps"))
                .count())
        .isGreaterThan(1);
  }

  @Test
  void saysSoWhenTheKeyIsRefusedOrMissing() {
    HeadlessChromium.assumeAvailable();

    String refused = DashboardScreenshot.dom(gateway, "not-the-key", null);
    assertThat(refused).contains("The gateway refused the API key (401 Unauthorized)");
    assertThat(refused).contains("data-key-in-url=\"no\"");

    String none = DashboardScreenshot.dom(gateway, null, null);
    assertThat(none).contains("Enter an API key to load the runs.");
  }

  @Test
  void savesAScreenshotOfTheFinishedRun() throws IOException {
    HeadlessChromium.assumeAvailable();

    Path png =
        DashboardScreenshot.take(
            gateway,
            DashboardFixtures.KEY,
            DashboardFixtures.FINISHED,
            Path.of("target", "dashboard", "fixture-finished-run.png"));

    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(20_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
