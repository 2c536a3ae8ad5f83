package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Starts the whole platform in this JVM on random ports. */
class StandaloneApplicationTest {

  private static final String[] SERVICES = {
    "reward-service", "policy-service", "selection-service", "relabel-service"
  };

  private static Standalone standalone;

  @BeforeAll
  static void start() {
    standalone =
        Standalone.start(
            "--server.port=0",
            "--ugda.gateway.admin-key=" + ADMIN_KEY,
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
        client(gateway.toString())
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
        client(null).get().uri(location).retrieve().toEntity(String.class);
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
        client(base.toString())
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

  /**
   * The gateway's one OpenAPI document holds the real services' endpoints under their routes, every
   * {@code $ref} resolves inside it, and no server names a service's own port.
   */
  @Test
  void shouldServeTheWholePlatformsOpenApiDocumentAtTheGateway() throws InterruptedException {
    URI gateway = standalone.urls().get("gateway");
    JsonMapper json = JsonMapper.builder().build();
    // springdoc builds each service's document on its first request, which may outlast the
    // gateway's timeout on a loaded machine; the gateway asks again after ugda.openapi.failure-ttl
    JsonNode doc = json.readTree(get(gateway, "/v3/api-docs").getBody());
    for (int i = 0; i < 12 && !doc.path("x-ugda-unavailable").isEmpty(); i++) {
      Thread.sleep(5_000);
      doc = json.readTree(get(gateway, "/v3/api-docs").getBody());
    }

    assertThat(doc.path("paths").propertyNames())
        .contains(
            "/api/reward/v1/ensembles",
            "/api/policy/v1/runs",
            "/api/selection/v1/selections",
            "/api/relabel/v1/relabel/jobs");
    assertThat(doc.path("x-ugda-unavailable"))
        .as(doc.path("x-ugda-unavailable").toString())
        .isEmpty();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse();
    }
    List<String> servers = new ArrayList<>();
    doc.findValues("servers")
        .forEach(list -> list.forEach(s -> servers.add(s.path("url").asString())));
    assertThat(servers).containsExactly("/");
    String text = doc.toString();
    for (String service : SERVICES) {
      assertThat(text).doesNotContain(":" + standalone.urls().get(service).getPort() + "\"");
      assertThat(text).doesNotContain(":" + standalone.urls().get(service).getPort() + "/");
    }
  }

  @Test
  void shouldReportEveryServiceInTheGatewaysHealth() {
    JsonNode health =
        JsonMapper.builder()
            .build()
            .readTree(get(standalone.urls().get("gateway"), "/actuator/health").getBody());

    for (String route : new String[] {"reward", "policy", "selection", "relabel"}) {
      assertThat(
              health
                  .path("components")
                  .path("services")
                  .path("components")
                  .path(route)
                  .path("status")
                  .asString())
          .as(route)
          .isEqualTo("UP");
    }
  }

  /**
   * The services listen on 127.0.0.1 only; the gateway on every interface. Checked by connecting
   * through a non-loopback address of this machine, where there is one.
   */
  @Test
  void shouldBindTheServicesToLoopbackOnly() throws IOException {
    for (String service : SERVICES) {
      URI url = standalone.urls().get(service);
      assertThat(url.getHost()).isEqualTo("127.0.0.1");
      assertThat(connects(InetAddress.getByName("127.0.0.1"), url.getPort())).isTrue();
    }
    Optional<InetAddress> external = nonLoopbackAddress();
    if (external.isEmpty()) {
      return; // nothing but loopback here: nothing more to show
    }
    for (String service : SERVICES) {
      assertThat(connects(external.get(), standalone.urls().get(service).getPort()))
          .as(service + " via " + external.get())
          .isFalse();
    }
    assertThat(connects(external.get(), standalone.urls().get("gateway").getPort()))
        .as("gateway via " + external.get())
        .isTrue();
  }

  private static boolean connects(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (ConnectException e) {
      return false;
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : nic.inetAddresses().toList()) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (var entry : node.properties()) {
        if (entry.getKey().equals("$ref")) {
          refs.add(entry.getValue().asString());
        } else {
          collectRefs(entry.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(element -> collectRefs(element, refs));
    }
  }

  /** The gateway's admin key in this test; the services ignore the header. */
  private static final String ADMIN_KEY = "standalone-test-admin-key-0123456789abcdef";

  private static RestClient client(String base) {
    RestClient.Builder b =
        RestClient.builder().defaultHeader("Authorization", "Bearer " + ADMIN_KEY);
    return (base == null ? b : b.baseUrl(base)).build();
  }

  private static ResponseEntity<String> get(URI base, String path) {
    return client(base.toString()).get().uri(path).retrieve().toEntity(String.class);
  }
}
