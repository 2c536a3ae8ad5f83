package org.ugda.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's keys, roles and rate limits over real HTTP, on a database of its own, with every
 * service URL pointing at a small upstream server that records what reached it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
@ExtendWith(OutputCaptureExtension.class)
class GatewaySecurityTest {

  static final String ADMIN_KEY = "security-test-admin-key-0123456789abcdefghij";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> PROBLEM_FIELDS = Set.of("title", "status", "detail", "instance");
  private static final TestDatabase DATABASE = TestDatabase.fresh();

  private static HttpServer upstream;
  private static final List<String> seen = new CopyOnWriteArrayList<>();

  /** The credentials headers the stand-in services received (none should reach them). */
  private static final List<String> credentials = new CopyOnWriteArrayList<>();

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  @Autowired JdbcClient jdbc;

  GatewaySecurityTest(@LocalServerPort int port) {
    this.base = "http://localhost:" + port;
  }

  @BeforeAll
  static void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
          for (String h : List.of("Authorization", "Cookie")) {
            if (exchange.getRequestHeaders().containsKey(h)) {
              credentials.add(h);
            }
          }
          byte[] answer = ("{\"seen\":\"" + exchange.getRequestURI() + "\"}").getBytes();
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    upstream.start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.stop(0);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    DATABASE.register(registry);
    registry.add("ugda.gateway.admin-key", () -> ADMIN_KEY);
    registry.add("ugda.http.max-request-size", () -> "64KB");
    for (String service : new String[] {"reward", "policy", "selection", "relabel"}) {
      registry.add(
          "ugda.services." + service + "-url",
          () -> "http://localhost:" + upstream.getAddress().getPort());
    }
  }

  @BeforeEach
  void forget() {
    seen.clear();
    credentials.clear();
  }

  @Test
  void shouldRefuseARequestWithoutAKeyOrWithAnUnknownOneWith401(CapturedOutput output)
      throws Exception {
    HttpResponse<String> none = send(get("/api/reward/v1/ensembles", null));
    problem(none, 401, "Unauthorized");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));

    String unknown = "ugda_" + "x".repeat(43);
    HttpResponse<String> wrong = send(get("/api/reward/v1/ensembles", unknown));
    problem(wrong, 401, "Unauthorized");
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(wrong.body()).doesNotContain(unknown);

    HttpResponse<String> basic =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/policy/v1/runs"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4=")
                .GET()
                .build());
    problem(basic, 401, "Unauthorized");
    assertThat(seen).isEmpty();
    assertThat(output.getAll()).doesNotContain(unknown);
  }

  @Test
  void shouldLetAReaderScoreAndReadButNotOperate(CapturedOutput output) throws Exception {
    String reader = create("reader-" + System.nanoTime(), "reader", null).get("token").asString();

    HttpResponse<String> score =
        send(post("/api/reward/v1/ensembles/3f0c/score", "{\"pairs\":[]}", reader));
    assertThat(score.statusCode()).isEqualTo(200);
    HttpResponse<String> read = send(get("/api/selection/v1/selections", reader));
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(seen)
        .containsExactly("POST /v1/ensembles/3f0c/score {\"pairs\":[]}", "GET /v1/selections ");

    seen.clear();
    HttpResponse<String> train = send(post("/api/policy/v1/runs", "{}", reader));
    Map<String, Object> problem = problem(train, 403, "Forbidden");
    assertThat((String) problem.get("detail")).contains("needs role operator");
    HttpResponse<String> run = send(post("/api/runs", "{}", reader));
    problem(run, 403, "Forbidden");
    HttpResponse<String> keys = send(get("/api/keys", reader));
    assertThat((String) problem(keys, 403, "Forbidden").get("detail")).contains("admin");
    assertThat(seen).isEmpty();

    assertThat(send(get("/actuator/prometheus", null)).statusCode()).isEqualTo(401);
    assertThat(send(get("/actuator/prometheus", reader)).statusCode()).isEqualTo(200);
    assertThat(output.getAll()).doesNotContain(reader).doesNotContain(ADMIN_KEY);
  }

  @Test
  void shouldServeThePublicPathsWithoutAKey() throws Exception {
    assertThat(send(get("/actuator/health", null)).statusCode()).isEqualTo(200);
    assertThat(send(get("/actuator/health/readiness", null)).statusCode()).isEqualTo(200);
    assertThat(send(get("/v3/api-docs", null)).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldLetALabellerClaimAndLabelOnlyUnderItsOwnName(CapturedOutput output) throws Exception {
    String name = "alice-" + System.nanoTime();
    String alice = create(name, "labeller", null).get("token").asString();

    String claim = "{\"labeller\":\"" + name + "\"}";
    assertThat(send(post("/api/relabel/v1/relabel/tasks/claim", claim, alice)).statusCode())
        .isEqualTo(200);
    assertThat(seen).containsExactly("POST /v1/relabel/tasks/claim " + claim);
    seen.clear();

    String asBob = "{\"labeller\":\"bob\",\"claimId\":\"" + java.util.UUID.randomUUID() + "\"}";
    problem(
        send(
            post(
                "/api/relabel/v1/relabel/tasks/" + java.util.UUID.randomUUID() + "/labels",
                asBob,
                alice)),
        403,
        "Forbidden");
    String twice = "{\"labeller\":\"" + name + "\",\"labeller\":\"bob\"}";
    problem(
        send(post("/api/relabel/v1/relabel/tasks/claim", twice, alice)), 400, "Invalid request");
    problem(send(post("/api/relabel/v1/relabel/tasks/claim", "{}", alice)), 403, "Forbidden");
    // another labeller's page (and so their claims) is closed to alice
    problem(send(get("/api/relabel/label?labeller=bob", alice)), 403, "Forbidden");
    HttpResponse<String> form =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/relabel/label"))
                .header("Authorization", "Bearer " + alice)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("labeller=bob&score=3"))
                .build());
    problem(form, 403, "Forbidden");
    assertThat(seen).isEmpty();

    assertThat(send(get("/api/relabel/label?labeller=" + name, alice)).statusCode()).isEqualTo(200);
    HttpResponse<String> own =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/relabel/label"))
                .header("Authorization", "Bearer " + alice)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("labeller=" + name + "&score=3"))
                .build());
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1)).contains("labeller=" + name).contains("score=3");
    // a labeller is no operator, and scoring is not a labeller's
    problem(send(post("/api/relabel/v1/relabel/jobs", "{}", alice)), 403, "Forbidden");
    problem(
        send(post("/api/reward/v1/ensembles/3f0c/score", "{\"items\":[]}", alice)),
        403,
        "Forbidden");
    assertThat(seen).hasSize(2);
    assertThat(output.getAll()).doesNotContain(alice);
  }

  @Test
  void shouldCreateListRotateAndRevokeKeys(CapturedOutput output) throws Exception {
    String name = "ops-" + System.nanoTime();
    HttpResponse<String> created =
        send(post("/api/keys", "{\"name\":\"" + name + "\",\"role\":\"operator\"}", ADMIN_KEY));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode issued = JSON.readTree(created.body());
    String token = issued.get("token").asString();
    String id = issued.get("key").get("id").asString();
    assertThat(token).startsWith("ugda_").hasSize(48);
    assertThat(issued.get("key").get("prefix").asString()).isEqualTo(token.substring(0, 8));
    assertThat(send(post("/api/policy/v1/runs", "{}", token)).statusCode()).isEqualTo(200);

    HttpResponse<String> list = send(get("/api/keys", ADMIN_KEY));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(name).doesNotContain(token).doesNotContain("hash");
    assertThat(list.body()).doesNotContain(Tokens.hash(token)).doesNotContain(ADMIN_KEY);
    assertThat(
            jdbc.sql("SELECT hash FROM gateway.api_key WHERE name = ?")
                .param(name)
                .query(String.class)
                .single())
        .isEqualTo(Tokens.hash(token));

    HttpResponse<String> rotated = send(post("/api/keys/" + id + "/rotate", "", ADMIN_KEY));
    assertThat(rotated.statusCode()).isEqualTo(200);
    String next = JSON.readTree(rotated.body()).get("token").asString();
    assertThat(next).isNotEqualTo(token);
    problem(send(get("/api/policy/v1/runs", token)), 401, "Unauthorized");
    assertThat(send(get("/api/policy/v1/runs", next)).statusCode()).isEqualTo(200);

    assertThat(send(post("/api/keys/" + id + "/revoke", "", ADMIN_KEY)).statusCode())
        .isEqualTo(200);
    problem(send(get("/api/policy/v1/runs", next)), 401, "Unauthorized");
    assertThat(
            JSON.readTree(send(get("/api/keys/" + id, ADMIN_KEY)).body()).get("revokedAt").isNull())
        .isFalse();

    problem(
        send(post("/api/keys", "{\"name\":\"" + name + "\",\"role\":\"reader\"}", ADMIN_KEY)),
        409,
        "Conflict");
    assertThat(output.getAll())
        .doesNotContain(token)
        .doesNotContain(next)
        .doesNotContain(ADMIN_KEY);
  }

  @Test
  void shouldRefuseBadKeyBodiesAndStoreNothing() throws Exception {
    long before = count();
    problem(
        send(post("/api/keys", "{\"name\":\"x\",\"role\":\"emperor\"}", ADMIN_KEY)),
        400,
        "Invalid request");
    problem(
        send(
            post(
                "/api/keys",
                "{\"name\":\"x\",\"role\":\"reader\",\"ratePerMinute\":\"many\"}",
                ADMIN_KEY)),
        400,
        "Invalid request");
    problem(
        send(post("/api/keys", "{\"name\":[1],\"role\":\"reader\"}", ADMIN_KEY)),
        400,
        "Invalid request");
    problem(
        send(post("/api/keys", "{\"name\":\"a b\",\"role\":\"reader\"}", ADMIN_KEY)),
        400,
        "Invalid request");
    problem(send(post("/api/keys", "{\"name\":", ADMIN_KEY)), 400, "Invalid request");
    String huge = "{\"name\":\"big\",\"role\":\"reader\",\"pad\":\"" + "a".repeat(100_000) + "\"}";
    problem(send(post("/api/keys", huge, ADMIN_KEY)), 413, "Request too large");
    assertThat(count()).isEqualTo(before);
  }

  @Test
  void shouldAnswer429WithRetryAfterOverAKeysRate() throws Exception {
    String slow = create("slow-" + System.nanoTime(), "reader", 3).get("token").asString();
    for (int i = 0; i < 3; i++) {
      assertThat(send(get("/api/reward/v1/ensembles", slow)).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> over = send(get("/api/reward/v1/ensembles", slow));
    problem(over, 429, "Too many requests");
    assertThat(over.headers().firstValue("Retry-After"))
        .hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
    assertThat(seen).hasSize(3);
  }

  @Test
  void shouldRefuseANonCanonicalPathInsteadOfGuessingItsRule() throws Exception {
    problem(send(get("/api/reward/..;/policy/v1/runs", null)), 400, "Invalid request");
    problem(send(get("/api/reward/v1/ensembles/%2e%2e/x", null)), 400, "Invalid request");
    assertThat(seen).isEmpty();
  }

  /**
   * A browser signs in to the labelling page: the form answers without a key, a wrong key is a 401
   * and sets nothing, a labeller key becomes an HttpOnly, SameSite=Strict cookie valid on the
   * labelling page only, which then reaches relabel-service (without the key) and nothing else.
   */
  @Test
  void shouldSignABrowserInToTheLabellingPageOnly() throws Exception {
    String name = "carol" + System.nanoTime();
    String carol = create(name, "labeller", null).get("token").asString();
    HttpResponse<String> form = send(get("/sign-in?labeller=%3Cscript%3E", null));
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("name=\"key\"").doesNotContain("<script>");
    HttpResponse<String> wrong =
        send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=ugda_not-a-key"))
                .build());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> ok =
        send(
            HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + carol))
                .build());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("ugda_key=")
        .contains("HttpOnly", "SameSite=Strict", "Path=/api/relabel/label");
    assertThat(ok.headers().firstValue("Location").orElseThrow())
        .isEqualTo("/api/relabel/label?labeller=" + name);
    String value = cookie.substring(0, cookie.indexOf(';'));
    HttpResponse<String> page =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/relabel/label?labeller=" + name))
                .header("Cookie", value)
                .GET()
                .build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).contains("/label?labeller=" + name);
    assertThat(credentials).as("the key stops at the gateway").isEmpty();
    // the cookie is no key anywhere else
    HttpResponse<String> elsewhere =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Cookie", value)
                .GET()
                .build());
    problem(elsewhere, 401, "Unauthorized");
  }

  private long count() {
    return jdbc.sql("SELECT count(*) FROM gateway.api_key").query(Long.class).single();
  }

  private JsonNode create(String name, String role, Integer rate) throws Exception {
    String body =
        "{\"name\":\""
            + name
            + "\",\"role\":\""
            + role
            + "\""
            + (rate == null ? "" : ",\"ratePerMinute\":" + rate)
            + "}";
    HttpResponse<String> response = send(post("/api/keys", body, ADMIN_KEY));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body());
  }

  private HttpRequest get(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private HttpRequest post(String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> problem(
      HttpResponse<String> response, int status, String title) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    Map<String, Object> body = JSON.readValue(response.body(), new TypeReference<>() {});
    assertThat(body.keySet()).isEqualTo(PROBLEM_FIELDS);
    assertThat(body.get("title")).isEqualTo(title);
    assertThat(body.get("status")).isEqualTo(status);
    return body;
  }
}
