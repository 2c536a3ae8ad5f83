package org.ugda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.ugda.testsupport.ServiceEndpointsContract;
import org.ugda.testsupport.TestDatabase;

/**
 * Starts the gateway through its {@code main} (so with {@code gateway.yml}) with every service URL
 * pointing at a small local HTTP server that echoes the method and the path it received; the
 * endpoints and errors every service answers come from {@link ServiceEndpointsContract}.
 *
 * <p>Keys: the contract calls the gateway without a key, on paths that are public at the gateway
 * (health, OpenAPI, the probe endpoints and unknown paths, all outside {@code /api}) and on {@code
 * /actuator/prometheus}, which this test makes public ({@code ugda.gateway.public-prometheus:
 * true}; by default it needs a reader key, see {@code GatewaySecurityTest}). The forwarding tests
 * below call {@code /api/**} with the admin key this test configures.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class GatewayApplicationTest extends ServiceEndpointsContract {

  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop";

  private static HttpServer upstream;

  private final RestClient http;

  private final int port;

  GatewayApplicationTest(@LocalServerPort int port) {
    super(port);
    this.port = port;
    this.http =
        RestClient.builder()
            .baseUrl("http://localhost:" + port)
            .defaultHeader("Authorization", "Bearer " + ADMIN_KEY)
            .build();
  }

  @BeforeAll
  static void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body =
              (exchange.getRequestMethod() + " " + exchange.getRequestURI())
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
          for (String forwarded : List.of("Prefix", "Host", "Proto", "Port")) {
            exchange
                .getResponseHeaders()
                .set(
                    "X-Seen-" + forwarded,
                    String.join(
                        ",",
                        exchange
                            .getRequestHeaders()
                            .getOrDefault("X-Forwarded-" + forwarded, List.of())));
          }
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    upstream.start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.stop(0);
  }

  @DynamicPropertySource
  static void serviceUrls(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    registry.add("ugda.gateway.admin-key", () -> ADMIN_KEY);
    registry.add("ugda.gateway.public-prometheus", () -> "true");
    for (String service : new String[] {"reward", "policy", "selection", "relabel"}) {
      registry.add(
          "ugda.services." + service + "-url",
          () -> "http://localhost:" + upstream.getAddress().getPort());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"reward", "policy", "selection", "relabel"})
  void shouldForwardToServiceWithPrefixStripped(String prefix) {
    ResponseEntity<String> response =
        http.get()
            .uri("/api/" + prefix + "/v1/things/42?verbose=true")
            .retrieve()
            .toEntity(String.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getBody()).isEqualTo("GET /v1/things/42?verbose=true");
  }

  /** The edge: a client's own X-Forwarded-* never counts here. */
  @Override
  protected boolean honoursForwardedHeaders() {
    return false;
  }

  @ParameterizedTest
  @ValueSource(strings = {"reward", "policy", "selection", "relabel"})
  void shouldTellTheServiceWhereItsClientIsAndIgnoreAClientsOwnClaims(String prefix) {
    ResponseEntity<String> response =
        http.get()
            .uri("/api/" + prefix + "/v1/things/42")
            .header("X-Forwarded-Prefix", "/evil")
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https")
            .retrieve()
            .toEntity(String.class);

    assertThat(response.getHeaders().getFirst("X-Seen-Prefix")).isEqualTo("/api/" + prefix);
    assertThat(response.getHeaders().getFirst("X-Seen-Host")).isEqualTo("localhost:" + port);
    assertThat(response.getHeaders().getFirst("X-Seen-Proto")).isEqualTo("http");
    assertThat(response.getHeaders().getFirst("X-Seen-Port")).isEqualTo(Integer.toString(port));
  }
}
