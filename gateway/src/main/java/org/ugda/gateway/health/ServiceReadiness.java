package org.ugda.gateway.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One service's health as the gateway sees it: its {@code /actuator/health/readiness}, asked within
 * a short timeout. UP when the probe answers 2xx (Spring Boot answers 503 for anything but UP);
 * DOWN otherwise, with the probe's own status ({@code readiness}) or why it could not be asked
 * ({@code error}) as detail.
 */
final class ServiceReadiness implements HealthIndicator {

  private final URI probe;
  private final HttpClient client;
  private final Duration timeout;
  private final JsonMapper json;

  ServiceReadiness(URI probe, HttpClient client, Duration timeout, JsonMapper json) {
    this.probe = probe;
    this.client = client;
    this.timeout = timeout;
    this.json = json;
  }

  @Override
  public Health health() {
    HttpRequest request =
        HttpRequest.newBuilder(probe)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return Health.down()
          .withDetail("error", "no answer within " + timeout.toMillis() + " ms")
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    } catch (Exception e) {
      return Health.down()
          .withDetail("error", "not reachable (" + e.getClass().getSimpleName() + ")")
          .build();
    }
    Health.Builder health = response.statusCode() / 100 == 2 ? Health.up() : Health.down();
    health.withDetail("httpStatus", response.statusCode());
    String status = readinessStatus(response.body());
    if (status != null) {
      health.withDetail("readiness", status);
    }
    return health.build();
  }

  private String readinessStatus(String body) {
    try {
      JsonNode node = json.readTree(body);
      return node != null && node.path("status").isString() ? node.path("status").asString() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
