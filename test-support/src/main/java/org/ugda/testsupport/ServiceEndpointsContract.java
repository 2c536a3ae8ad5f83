package org.ugda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * What every UGDA service answers (DESIGN.md section 2): health with Kubernetes probes, the OpenAPI
 * document, Prometheus metrics. A service's application test extends this class, starts the service
 * on a random port and passes the port in; {@link #apiPaths()} names paths its OpenAPI document
 * must list.
 */
public abstract class ServiceEndpointsContract {

  private final RestClient http;

  protected ServiceEndpointsContract(int port) {
    this.http = RestClient.create("http://localhost:" + port);
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

  private ResponseEntity<String> get(String path) {
    return http.get().uri(path).retrieve().toEntity(String.class);
  }
}
