package org.ugda.gateway.openapi;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches each service's {@code /v3/api-docs} from {@code ugda.services.<route>-url}, all at once,
 * each within {@link ApiDocsProperties#timeout()}, and keeps what it got (a document or why there
 * is none) for {@link ApiDocsProperties#cacheTtl()} (a failure for {@link
 * ApiDocsProperties#failureTtl()}). {@link #prefetch} asks every service once without waiting, so
 * that the services build their documents (springdoc does on the first request) before anyone asks
 * the gateway.
 */
public class ServiceApiDocs {

  private static final Logger log = LoggerFactory.getLogger(ServiceApiDocs.class);

  /** How long the first, background request may take: a service's first document is slow. */
  static final Duration PREFETCH_TIMEOUT = Duration.ofSeconds(60);

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
        // a caller waits at most the timeout, even for a prefetch still under way (which goes on)
        pending.put(
            route,
            fetch(route, base, properties.timeout())
                .copy()
                .completeOnTimeout(
                    new Fetched(null, noAnswer(), clock.instant()),
                    properties.timeout().toMillis() + 250,
                    TimeUnit.MILLISECONDS));
      }
    }
    Map<String, Fetched> out = new LinkedHashMap<>();
    pending.forEach((route, future) -> out.put(route, future.join()));
    return out;
  }

  /**
   * Starts fetching every configured service's document, each allowed {@link #PREFETCH_TIMEOUT}
   * (nobody waits for it); returns at once.
   */
  public void prefetch() {
    services.forEach((route, base) -> fetch(route, base, PREFETCH_TIMEOUT));
  }

  private String noAnswer() {
    return "no answer within " + properties.timeout().toMillis() + " ms";
  }

  private CompletableFuture<Fetched> fetch(String route, URI base, Duration timeout) {
    Fetched cached = cache.get(route);
    Instant now = clock.instant();
    if (cached != null
        && cached
            .at()
            .plus(cached.available() ? properties.cacheTtl() : properties.failureTtl())
            .isAfter(now)) {
      return CompletableFuture.completedFuture(cached);
    }
    // one request per service at a time, however many callers ask for the document meanwhile;
    // the request completes outside the map's lock (it may complete at once, on this thread)
    CompletableFuture<Fetched> mine = new CompletableFuture<>();
    CompletableFuture<Fetched> running = inFlight.putIfAbsent(route, mine);
    if (running != null) {
      return running;
    }
    try {
      request(route, ServiceUrls.resolve(base, "/v3/api-docs"), timeout)
          .whenComplete(
              (fetched, error) -> {
                Fetched result = fetched != null ? fetched : failed(route, error, timeout);
                cache.put(route, result);
                inFlight.remove(route, mine);
                mine.complete(result);
              });
    } catch (RuntimeException e) {
      Fetched result = failed(route, e, timeout);
      cache.put(route, result);
      inFlight.remove(route, mine);
      mine.complete(result);
    }
    return mine;
  }

  private CompletableFuture<Fetched> request(String route, URI url, Duration timeout) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> parse(route, response))
        .exceptionally(error -> failed(route, error, timeout));
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

  private Fetched failed(String route, Throwable error, Duration timeout) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String problem;
    if (cause instanceof HttpTimeoutException) {
      problem = "no answer within " + timeout.toMillis() + " ms";
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
