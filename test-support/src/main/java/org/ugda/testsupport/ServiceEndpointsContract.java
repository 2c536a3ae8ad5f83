package org.ugda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every UGDA service answers (DESIGN.md section 2): health with Kubernetes probes, the OpenAPI
 * document, Prometheus metrics, and errors in the one problem+json shape of {@code
 * service-support}. A service's application test extends this class, starts the service on a random
 * port and passes the port in; {@link #apiPaths()} names paths its OpenAPI document must list. The
 * class imports {@link ContractProbe}'s test-only endpoints, so the same failures are provoked in
 * every service.
 */
@Import(ContractProbe.class)
public abstract class ServiceEndpointsContract {

  /**
   * The fields of every problem body, and no others ({@code type} is left out, which RFC 9457 reads
   * as {@code about:blank}).
   */
  private static final Set<String> PROBLEM_FIELDS = Set.of("title", "status", "detail", "instance");

  private final RestClient http;
  private final String base;
  private final HttpClient client = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  protected ServiceEndpointsContract(int port) {
    this.base = "http://localhost:" + port;
    this.http = RestClient.create(base);
  }

  /** Paths the service's OpenAPI document must contain (none by default). */
  protected List<String> apiPaths() {
    return List.of();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"})
  void shouldReportUpOnHealthEndpoints(String path) {
    ResponseEntity<String> response = get(path);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody()).contains("\"status\":\"UP\"");
  }

  @Test
  void shouldServeOpenApiDocument() {
    ResponseEntity<String> response = get("/v3/api-docs");

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody()).contains("\"openapi\"");
    for (String path : apiPaths()) {
      assertThat(response.getBody()).contains(path);
    }
  }

  @Test
  void shouldExposePrometheusMetrics() {
    ResponseEntity<String> response = get("/actuator/prometheus");

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody()).contains("jvm_memory_used_bytes");
  }

  @Test
  void shouldAnswerARefusedRequestWith400Problem() throws Exception {
    Map<String, Object> problem =
        problem(send(post(ContractProbe.PATH + "/refuse", "{}")), 400, "Invalid request");

    assertThat(problem.get("detail")).isEqualTo("name must not be blank; give the ensemble a name");
    assertThat(problem.get("instance")).isEqualTo(ContractProbe.PATH + "/refuse");
  }

  @Test
  void shouldAnswerMalformedJsonAndASelfRefusingRecordWith400Problem() throws Exception {
    Map<String, Object> malformed =
        problem(send(post(ContractProbe.PATH + "/sample", "{\"name\": ")), 400, "Invalid request");
    assertThat((String) malformed.get("detail")).contains("not valid JSON");

    Map<String, Object> refused =
        problem(
            send(post(ContractProbe.PATH + "/sample", "{\"name\":\"a\",\"count\":0}")),
            400,
            "Invalid request");
    assertThat(refused.get("detail")).isEqualTo("count must be at least 1, got 0");
  }

  @Test
  void shouldRefuseAFractionWhereTheContractTakesAnInteger() throws Exception {
    Map<String, Object> problem =
        problem(
            send(post(ContractProbe.PATH + "/sample", "{\"name\":\"a\",\"count\":2.5}")),
            400,
            "Invalid request");

    assertThat((String) problem.get("detail")).contains("count");
  }

  /**
   * Whether the service honours {@code X-Forwarded-*} (every service behind the gateway); the
   * gateway itself, the edge, ignores a client's own and says so by returning false.
   */
  protected boolean honoursForwardedHeaders() {
    return true;
  }

  @Test
  void shouldBuildLocationsThatWorkThroughTheGateway() throws Exception {
    HttpRequest direct = post(ContractProbe.PATH + "/created", "");
    HttpRequest forwarded =
        HttpRequest.newBuilder(URI.create(base + ContractProbe.PATH + "/created"))
            .header("X-Forwarded-Prefix", "/api/service")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();

    assertThat(send(direct).headers().firstValue("Location")).hasValue(base + "/v1/things/1");
    assertThat(send(forwarded).headers().firstValue("Location"))
        .hasValue(
            honoursForwardedHeaders() ? base + "/api/service/v1/things/1" : base + "/v1/things/1");
  }

  @Test
  void shouldNameTheTypeOfAMalformedPathVariable() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(base + ContractProbe.PATH + "/things/not-a-uuid"))
                .GET()
                .build());

    Map<String, Object> problem = problem(response, 400, "Invalid request");
    assertThat(problem.get("detail")).isEqualTo("thingId must be a UUID, got 'not-a-uuid'");
  }

  @Test
  void shouldAnswerAnUnknownPathWith404Problem() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(base + "/v1/no-such-endpoint")).GET().build());

    Map<String, Object> problem = problem(response, 404, "Not found");
    assertThat(problem.get("instance")).isEqualTo("/v1/no-such-endpoint");
  }

  @Test
  void shouldAnswerABodyOverTheLimitWith413Problem() throws Exception {
    long limit = Long.parseLong(get(ContractProbe.PATH + "/limit").getBody());
    byte[] over = new byte[Math.toIntExact(limit + 1)];
    // chunked (no Content-Length): the limit holds for bodies that do not declare their size
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + ContractProbe.PATH + "/drain"))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(over)))
            .build();

    Map<String, Object> problem = problem(send(request), 413, "Request too large");
    assertThat((String) problem.get("detail")).contains("ugda.http.max-request-size");

    HttpRequest within =
        HttpRequest.newBuilder(URI.create(base + ContractProbe.PATH + "/drain"))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024]))
            .build();
    assertThat(send(within).body()).isEqualTo("1024");
  }

  @Test
  void shouldAnswerAnUnexpectedFailureWith500ProblemThatLeaksNothing() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(base + ContractProbe.PATH + "/fail")).GET().build());

    Map<String, Object> problem = problem(response, 500, "Internal error");
    assertThat((String) problem.get("detail")).contains("reference");
    assertThat(response.body())
        .doesNotContain(ContractProbe.SECRET)
        .doesNotContain("IllegalStateException")
        .doesNotContain("Exception")
        .doesNotContain("org.ugda")
        .doesNotContain("\tat ")
        .doesNotContain("trace");
  }

  /** Checks the shared shape and returns the body's fields. */
  private Map<String, Object> problem(HttpResponse<String> response, int status, String title)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    Map<String, Object> body = json.readValue(response.body(), new TypeReference<>() {});
    assertThat(body.keySet()).isEqualTo(PROBLEM_FIELDS);
    assertThat(body.get("title")).isEqualTo(title);
    assertThat(body.get("status")).isEqualTo(status);
    return body;
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private ResponseEntity<String> get(String path) {
    return http.get().uri(path).retrieve().toEntity(String.class);
  }
}
