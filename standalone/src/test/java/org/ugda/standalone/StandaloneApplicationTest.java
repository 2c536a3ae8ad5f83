package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Starts the whole platform in this JVM on random ports. */
class StandaloneApplicationTest {

  private static Standalone standalone;

  @BeforeAll
  static void start() {
    standalone =
        Standalone.start(
            "--server.port=0",
            "--ugda.standalone.data-dir=target/postgres",
            "--ugda.reward.storage-root=target/storage");
  }

  @AfterAll
  static void stop() {
    if (standalone != null) {
      standalone.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reward-service",
        "policy-service",
        "selection-service",
        "relabel-service",
        "gateway"
      })
  void shouldReportUpOnEveryServicesHealthEndpoint(String service) {
    URI url = standalone.urls().get(service);

    ResponseEntity<String> health = get(url, "/actuator/health");

    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody()).contains("\"status\":\"UP\"");
  }

  @Test
  void shouldRouteThroughGatewayToServicesOnTheirRandomPorts() {
    URI gateway = standalone.urls().get("gateway");

    for (String route : new String[] {"reward", "policy", "selection", "relabel"}) {
      ResponseEntity<String> health = get(gateway, "/" + route + "/actuator/health");

      assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
      assertThat(health.getBody()).contains("\"status\":\"UP\"");
    }
  }

  @Test
  void shouldAnswerALocationThatWorksThroughTheGateway() {
    URI gateway = standalone.urls().get("gateway");
    String job =
        "{\"expert\":\"human\",\"items\":[{\"prompt\":\"what is 2 plus 2 ?\","
            + "\"response\":\"4 .\"}]}";

    ResponseEntity<String> created =
        RestClient.create(gateway.toString())
            .post()
            .uri("/relabel/v1/relabel/jobs")
            .contentType(MediaType.APPLICATION_JSON)
            .body(job)
            .retrieve()
            .toEntity(String.class);

    URI location = created.getHeaders().getLocation();
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(location).isNotNull();
    assertThat(location.toString()).startsWith(gateway + "/relabel/v1/relabel/jobs/");
    ResponseEntity<String> followed =
        RestClient.create().get().uri(location).retrieve().toEntity(String.class);
    assertThat(followed.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(followed.getBody()).contains("\"expert\":\"human\"");
  }

  @Test
  void shouldLoadEachServicesOwnConfigFile() {
    for (String service : standalone.urls().keySet()) {
      // only the services' own config files expose the prometheus endpoint
      ResponseEntity<String> metrics = get(standalone.urls().get(service), "/actuator/prometheus");

      assertThat(metrics.getStatusCode()).isEqualTo(HttpStatus.OK);
    }
  }

  private static ResponseEntity<String> get(URI base, String path) {
    return RestClient.create(base.toString()).get().uri(path).retrieve().toEntity(String.class);
  }
}
