package org.ugda.gateway.openapi;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches each service's {@code /v3/api-docs} from {@code ugda.services.<route>-url}, all at once,
 * each within {@link ApiDocsProperties#timeout()}, and keeps what it got (a document or why there
 * is none) for {@link ApiDocsProperties#cacheTtl()}.
 */
public class ServiceApiDocs {

  private static final Logger log = LoggerFactory.getLogger(ServiceApiDocs.class);

  /** What one service answered: its document, or (document null) why it has none. */
  public record Fetched(JsonNode document, String problem, Instant at) {
    public boolean available() {
      return document != null;
    }
  }

  private final Map<String, URI> services;
  private final ApiDocsProperties properties;
  private final JsonMapper json;
  private final Clock clock;
  private final HttpClient client;
  private final Map<String, Fetched> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Fetched>> inFlight = new ConcurrentHashMap<>();

  public ServiceApiDocs(
      Map<String, URI> services, ApiDocsProperties properties, JsonMapper json, Clock clock) {
    this.services = Map.copyOf(services);
    this.properties = properties;
    this.json = json;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(properties.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Every configured service's document or problem, in route order. */
  public Map<String, Fetched> all(Iterable<String> routes) {
    Map<String, CompletableFuture<Fetched>> pending = new LinkedHashMap<>();
    for (String route : routes) {
      URI base = services.get(route);
      if (base != null) {
        pending.put(route, fetch(route, base));
      }
    }
    Map<String, Fetched> out = new LinkedHashMap<>();
    pending.forEach((route, future) -> out.put(route, future.join()));
    return out;
  }

  private CompletableFuture<Fetched> fetch(String route, URI base) {
    Fetched cached = cache.get(route);
    Instant now = clock.instant();
    if (cached != null && cached.at().plus(properties.cacheTtl()).isAfter(now)) {
      return CompletableFuture.completedFuture(cached);
    }
    // one request per service at a time, however many callers ask for the document meanwhile
    return inFlight.computeIfAbsent(
        route,
        r ->
            request(route, ServiceUrls.resolve(base, "/v3/api-docs"))
                .whenComplete(
                    (fetched, error) -> {
                      if (fetched != null) {
                        cache.put(route, fetched);
                      }
                      inFlight.remove(route);
                    }));
  }

  private CompletableFuture<Fetched> request(String route, URI url) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(properties.timeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> parse(route, response))
        .exceptionally(error -> failed(route, error));
  }

  private Fetched parse(String route, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return problem(route, "its /v3/api-docs answered HTTP " + response.statusCode());
    }
    JsonNode document;
    try {
      document = json.readTree(response.body());
    } catch (RuntimeException e) {
      return problem(route, "its /v3/api-docs is not JSON");
    }
    if (document == null || !document.isObject() || !document.path("openapi").isString()) {
      return problem(route, "its /v3/api-docs is not an OpenAPI document");
    }
    return new Fetched(document, null, clock.instant());
  }

  private Fetched failed(String route, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String problem;
    if (cause instanceof HttpTimeoutException) {
      problem = "no answer within " + properties.timeout().toMillis() + " ms";
    } else if (cause instanceof ConnectException) {
      problem = "not reachable (connection refused)";
    } else {
      problem = "not reachable (" + cause.getClass().getSimpleName() + ")";
    }
    return problem(route, problem);
  }

  private Fetched problem(String route, String problem) {
    log.warn("OpenAPI document of {} unavailable: {}", route, problem);
    return new Fetched(null, problem, clock.instant());
  }
}
