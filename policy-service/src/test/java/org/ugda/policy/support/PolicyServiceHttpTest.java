package org.ugda.policy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import org.ugda.api.policy.PolicyClient;
import org.ugda.policy.PolicyServiceApplication;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the service's tests that need it running: the whole service on a random port, on this
 * JVM's real PostgreSQL. Every subclass shares one Spring context (same settings), so tests keep
 * their rows apart by run id (each test inserts runs of its own). A small export fetch size, so
 * that exports in tests read through several cursor fetches.
 */
@SpringBootTest(
    classes = PolicyServiceApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=" + PolicyServiceApplication.CONFIG_NAME,
      "ugda.policy.rollouts.export-fetch-size=7"
    })
public abstract class PolicyServiceHttpTest {

  protected static final JsonMapper JSON = JsonMapper.builder().build();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    registry.add("ugda.policy.storage-root", () -> "target/test-storage");
  }

  @LocalServerPort protected int port;

  @Autowired protected JdbcClient jdbc;

  /** A plain HTTP answer. */
  protected record Reply(int status, String body, Map<String, List<String>> headers) {

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .flatMap(entry -> entry.getValue().stream())
          .findFirst()
          .orElse(null);
    }
  }

  protected String baseUrl() {
    return "http://localhost:" + port;
  }

  /** The declarative client other services use, pointed at this service. */
  protected PolicyClient client() {
    RestClient rest = RestClient.create(baseUrl());
    return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest))
        .build()
        .createClient(PolicyClient.class);
  }

  /** A new run row (what the PPO job inserts before it logs rollouts); returns its id. */
  protected UUID newRun() {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO policy.run (id, state, settings, shaping, total_steps)
            VALUES (?, 'RUNNING', '{"steps": 10}'::jsonb, 'mean', 10)""")
        .param(id)
        .update();
    return id;
  }

  /** How many rollouts the run has stored. */
  protected long storedRollouts(UUID runId) {
    return jdbc.sql("SELECT count(*) FROM policy.rollout WHERE run_id = ?")
        .param(runId)
        .query(Long.class)
        .single();
  }

  /** GET of a path of this service (the path is sent as given: encode it yourself). */
  protected Reply get(String path) {
    return get(path, Map.of());
  }

  protected Reply get(String path, Map<String, String> headers) {
    return send(URI.create(path.startsWith("http") ? path : baseUrl() + path), headers);
  }

  private static Reply send(URI uri, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          HTTP.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
