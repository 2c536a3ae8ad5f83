package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
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
      ResponseEntity<String> health = get(gateway, "/api/" + route + "/actuator/health");

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
            .uri("/api/relabel/v1/relabel/jobs")
            .contentType(MediaType.APPLICATION_JSON)
            .body(job)
            .retrieve()
            .toEntity(String.class);

    URI location = created.getHeaders().getLocation();
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(location).isNotNull();
    assertThat(location.toString()).startsWith(gateway + "/api/relabel/v1/relabel/jobs/");
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

  /**
   * A dataset upload (multipart) reaches reward-service on its own port and through the gateway:
   * the reward context has a multipart configuration in this JVM too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"reward-service", "gateway"})
  void shouldAcceptADatasetUploadOnRewardServiceAndThroughTheGateway(String via) {
    URI base = standalone.urls().get(via);
    String path = via.equals("gateway") ? "/api/reward/v1/datasets" : "/v1/datasets";
    MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
    form.add(
        "file",
        new ByteArrayResource(
            ("{\"prompt\": \"what is 1 plus 1 ?\", \"chosen\": \"2 .\", "
                    + "\"rejected\": \"3 .\", \"subset\": \"helpful\"}\n")
                .getBytes(StandardCharsets.UTF_8)) {
          @Override
          public String getFilename() {
            return "pairs.jsonl";
          }
        });

    ResponseEntity<String> created =
        RestClient.create(base.toString())
            .post()
            .uri(path)
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(form)
            .retrieve()
            .onStatus(status -> true, (request, response) -> {})
            .toEntity(String.class);

    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    assertThat(created.getBody()).contains("\"format\":\"rewardbench\"", "\"pairs\":1");
  }

  private static ResponseEntity<String> get(URI base, String path) {
    return RestClient.create(base.toString()).get().uri(path).retrieve().toEntity(String.class);
  }
}
