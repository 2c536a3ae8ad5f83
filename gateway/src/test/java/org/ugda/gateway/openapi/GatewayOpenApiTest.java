package org.ugda.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's merged OpenAPI document, its Swagger UI and its whole-system health, against real
 * HTTP upstreams: reward-service and policy-service serve springdoc-shaped documents (both define a
 * different {@code Job}, the same {@code JobState} and {@code ProblemDetail}) and are ready;
 * selection-service answers 500 for its document and 503 for its readiness; relabel-service's port
 * is closed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class GatewayOpenApiTest {

  private static final AtomicInteger rewardDocRequests = new AtomicInteger();
  private static HttpServer reward;
  private static HttpServer policy;
  private static HttpServer selection;
  private static int closedPort;

  private final JsonMapper json = JsonMapper.builder().build();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  GatewayOpenApiTest(@LocalServerPort int port) {
    this.base = "http://localhost:" + port;
  }

  @BeforeAll
  static void startUpstreams() throws IOException {
    reward = service(resource("reward.json"), 200, "{\"status\":\"UP\"}", rewardDocRequests);
    policy = service(resource("policy.json"), 200, "{\"status\":\"UP\"}", new AtomicInteger());
    selection =
        service(
            "{\"title\":\"Internal error\"}",
            500,
            "{\"status\":\"OUT_OF_SERVICE\"}",
            new AtomicInteger());
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
  }

  @AfterAll
  static void stopUpstreams() {
    reward.stop(0);
    policy.stop(0);
    selection.stop(0);
  }

  @DynamicPropertySource
  static void serviceUrls(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    registry.add("ugda.services.reward-url", () -> url(reward));
    registry.add("ugda.services.policy-url", () -> url(policy));
    registry.add("ugda.services.selection-url", () -> url(selection));
    registry.add("ugda.services.relabel-url", () -> "http://127.0.0.1:" + closedPort);
  }

  @Test
  void shouldServeOneDocumentWithEveryServicePathUnderItsRoute() throws Exception {
    JsonNode doc = mergedDocument();

    assertThat(doc.path("openapi").asString()).startsWith("3.");
    assertThat(doc.path("paths").propertyNames())
        .contains(
            "/api/reward/v1/ensembles",
            "/api/reward/v1/ensembles/{id}/train",
            "/api/reward/v1/jobs/{jobId}",
            "/api/policy/v1/runs",
            "/api/policy/v1/runs/{jobId}")
        .allMatch(path -> path.startsWith("/api/"));
    assertThat(doc.path("servers")).hasSize(1);
    assertThat(doc.path("servers").get(0).path("url").asString()).isEqualTo("/");
    String text = json.writeValueAsString(doc);
    assertThat(text)
        .doesNotContain(":" + reward.getAddress().getPort())
        .doesNotContain(":" + policy.getAddress().getPort())
        .doesNotContain("localhost:808")
        .doesNotContain("policy-service:8082");
  }

  @Test
  void shouldNamespaceCollidingSchemasAndRewriteEveryRef() throws Exception {
    JsonNode doc = mergedDocument();
    JsonNode schemas = doc.path("components").path("schemas");

    assertThat(schemas.propertyNames())
        .contains("reward.Job", "policy.Job", "reward.JobPage", "policy.JobPage")
        .contains("JobState", "ProblemDetail", "Ensemble", "RunRequest", "Dataset")
        .doesNotContain("Job", "JobPage", "reward.JobState", "policy.ProblemDetail");
    assertThat(schemas.path("reward.Job").path("properties").has("memberLoss")).isTrue();
    assertThat(schemas.path("policy.Job").path("properties").has("checkpoint")).isTrue();
    assertThat(schemas.path("policy.JobPage").path("properties").path("items").path("items"))
        .isEqualTo(json.readTree("{\"$ref\":\"#/components/schemas/policy.Job\"}"));
    assertThat(responseSchemaRef(doc, "/api/reward/v1/jobs/{jobId}", "get", "200").asString())
        .isEqualTo("#/components/schemas/reward.Job");
    assertThat(responseSchemaRef(doc, "/api/policy/v1/runs", "post", "202").asString())
        .isEqualTo("#/components/schemas/policy.Job");
    assertThat(responseSchemaRef(doc, "/api/policy/v1/runs", "post", "400").asString())
        .isEqualTo("#/components/schemas/ProblemDetail");
    assertThat(schemas.path("reward.Job").path("properties").path("state").path("$ref").asString())
        .isEqualTo("#/components/schemas/JobState");
    List<String> refs = refs(doc);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse();
    }
  }

  @Test
  void shouldTagPerServiceKeepOperationIdsUniqueAndRequireABearerKey() throws Exception {
    JsonNode doc = mergedDocument();

    JsonNode create = doc.path("paths").path("/api/reward/v1/ensembles").path("post");
    assertThat(create.path("tags").get(0).asString()).isEqualTo("reward: ensemble-controller");
    assertThat(create.path("operationId").asString()).isEqualTo("reward_create");
    assertThat(
            doc.path("paths")
                .path("/api/policy/v1/runs/page")
                .path("get")
                .path("tags")
                .get(0)
                .asString())
        .isEqualTo("policy");
    assertThat(doc.path("paths").path("/api/policy/v1/runs/{jobId}").has("servers")).isFalse();
    Set<String> operationIds = new HashSet<>();
    List<String> all = new ArrayList<>();
    doc.path("paths")
        .forEach(
            item ->
                item.forEach(
                    operation -> {
                      if (operation.has("operationId")) {
                        all.add(operation.path("operationId").asString());
                        operationIds.add(operation.path("operationId").asString());
                      }
                    }));
    assertThat(all).hasSameSizeAs(operationIds);
    List<String> tagNames = new ArrayList<>();
    doc.path("tags").forEach(tag -> tagNames.add(tag.path("name").asString()));
    assertThat(tagNames)
        .contains(
            "reward: ensemble-controller", "reward: job-controller", "policy: run-controller");

    JsonNode scheme = doc.path("components").path("securitySchemes").path("bearerAuth");
    assertThat(scheme.path("type").asString()).isEqualTo("http");
    assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
    assertThat(doc.path("security").get(0).has("bearerAuth")).isTrue();
  }

  @Test
  void shouldListTheServicesThatAreDownInsteadOfFailing() throws Exception {
    JsonNode doc = mergedDocument();

    List<String> down = new ArrayList<>();
    doc.path("x-ugda-unavailable").forEach(entry -> down.add(entry.path("service").asString()));
    assertThat(down).containsExactly("selection", "relabel");
    assertThat(doc.path("x-ugda-unavailable").get(0).path("reason").asString()).contains("500");
    assertThat(doc.path("x-ugda-unavailable").get(1).path("reason").asString())
        .contains("not reachable");
    assertThat(doc.path("info").path("description").asString())
        .contains("selection (", "relabel (");
    assertThat(doc.path("paths").propertyNames())
        .noneMatch(path -> path.startsWith("/api/selection") || path.startsWith("/api/relabel"));
  }

  @Test
  void shouldReuseAServicesDocumentForAWhile() throws Exception {
    mergedDocument();
    int before = rewardDocRequests.get();
    mergedDocument();
    mergedDocument();

    assertThat(before).isGreaterThanOrEqualTo(1);
    assertThat(rewardDocRequests.get()).isEqualTo(before);
  }

  @Test
  void shouldShowTheMergedDocumentInTheSwaggerUi() throws Exception {
    HttpResponse<String> page = get("/swagger-ui.html");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location"))
        .hasValueSatisfying(l -> l.contains("/swagger-ui/index.html"));
    assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);

    HttpResponse<String> config = get("/v3/api-docs/gateway/swagger-config");
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(json.readTree(config.body()).path("url").asString()).isEqualTo("/v3/api-docs");
  }

  @Test
  void shouldReportEachServiceInTheGatewaysHealthWithoutFailingItsOwnProbes() throws Exception {
    HttpResponse<String> response = get("/actuator/health");
    JsonNode health = json.readTree(response.body());
    JsonNode services = health.path("components").path("services").path("components");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(health.path("status").asString()).isEqualTo("DOWN");
    assertThat(services.path("reward").path("status").asString()).isEqualTo("UP");
    assertThat(services.path("policy").path("status").asString()).isEqualTo("UP");
    assertThat(services.path("selection").path("status").asString()).isEqualTo("DOWN");
    assertThat(services.path("relabel").path("status").asString()).isEqualTo("DOWN");
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      HttpResponse<String> own = get(probe);
      assertThat(own.statusCode()).as(probe).isEqualTo(200);
      assertThat(own.body()).contains("\"status\":\"UP\"");
    }
  }

  private JsonNode mergedDocument() throws Exception {
    HttpResponse<String> response = get("/v3/api-docs");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return json.readTree(response.body());
  }

  private static JsonNode responseSchemaRef(
      JsonNode doc, String path, String method, String status) {
    JsonNode content =
        doc.path("paths").path(path).path(method).path("responses").path(status).path("content");
    return content.iterator().next().path("schema").path("$ref");
  }

  private static List<String> refs(JsonNode node) {
    List<String> found = new ArrayList<>();
    if (node.isObject()) {
      for (var entry : node.properties()) {
        if (entry.getKey().equals("$ref")) {
          found.add(entry.getValue().asString());
        } else {
          found.addAll(refs(entry.getValue()));
        }
      }
    } else if (node.isArray()) {
      node.forEach(element -> found.addAll(refs(element)));
    }
    return found;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = GatewayOpenApiTest.class.getResourceAsStream("/openapi/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A service that serves {@code doc} at /v3/api-docs and {@code readiness} at its probe. */
  private static HttpServer service(
      String doc, int docStatus, String readiness, AtomicInteger docRequests) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v3/api-docs",
        exchange -> {
          docRequests.incrementAndGet();
          send(exchange, docStatus, doc);
        });
    server.createContext(
        "/actuator/health/readiness",
        exchange -> send(exchange, readiness.contains("\"UP\"") ? 200 : 503, readiness));
    server.start();
    return server;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
