package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
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
