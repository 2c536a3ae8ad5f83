package org.ugda.relabel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.ugda.api.job.JobState;
import org.ugda.api.job.Jobs;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.RelabelClient;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.RelabelServiceApplication;
import org.ugda.testsupport.OpenAiStub;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the service's HTTP tests: the whole service on a random port, on this JVM's real
 * PostgreSQL, judging through the real {@code openai-java} client against {@link OpenAiStub}. Every
 * subclass shares one Spring context (same settings), so tests tell their rows apart by job id and
 * by a run id in the item texts. Short timings: 1 s request timeout, 3 s human lease.
 */
@SpringBootTest(
    classes = RelabelServiceApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=relabel-service",
      "ugda.relabel.judge.model=stub-model",
      "ugda.relabel.judge.request-timeout=1s",
      "ugda.relabel.judge.claim-lease=10s",
      "ugda.relabel.judge.retry.max-attempts=4",
      "ugda.relabel.judge.retry.initial-backoff=50ms",
      "ugda.relabel.judge.retry.max-backoff=200ms",
      "ugda.relabel.judge.retry.max-retry-after=5s",
      "ugda.relabel.judge.retry.item-deadline=30s",
      "ugda.relabel.judge.limits.max-concurrency=8",
      "ugda.relabel.judge.limits.requests-per-second=200",
      "ugda.relabel.judge.breaker.failure-threshold=100",
      "ugda.relabel.judge.pricing.input-usd-per-million-tokens=2.5",
      "ugda.relabel.judge.pricing.output-usd-per-million-tokens=10",
      "ugda.relabel.jobs.workers=8",
      "ugda.relabel.jobs.heartbeat=1s",
      "ugda.relabel.jobs.stale-after=5s",
      "ugda.relabel.jobs.max-items=50",
      "ugda.relabel.jobs.max-text-chars=2000",
      "ugda.relabel.jobs.shutdown-grace=2s",
      "ugda.relabel.queue.lease=3s",
      "ugda.database.max-pool-size=12"
    })
public abstract class RelabelServiceHttpTest {

  /** The stub all HTTP tests of this JVM judge against. */
  protected static final OpenAiStub STUB = OpenAiStub.start();

  /** The API key, mounted as a "Secret" file; distinctive so tests can look for leaks. */
  protected static final String API_KEY =
      "sk-ugda-test-" + UUID.randomUUID().toString().replace("-", "");

  protected static final JsonMapper JSON = JsonMapper.builder().build();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void relabelService(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    registry.add("ugda.relabel.judge.base-url", STUB::baseUrl);
    registry.add("ugda.relabel.judge.api-key-file", RelabelServiceHttpTest::keyFile);
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
  protected RelabelClient client() {
    RestClient rest = RestClient.create(baseUrl());
    return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest))
        .build()
        .createClient(RelabelClient.class);
  }

  protected Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
  }

  protected Reply post(String path, String json) {
    return post(path, json, Map.of());
  }

  protected Reply post(String path, String json, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::header);
    return send(request);
  }

  /** Posts an HTML form ({@code application/x-www-form-urlencoded}), as the labelling page does. */
  protected Reply postForm(String path, String form) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  protected static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** Posts a job and returns it (asserting the 202). */
  protected RelabelJob createJob(String expert, List<RelabelItem> items, String idempotencyKey) {
    Reply reply =
        post(
            "/v1/relabel/jobs",
            json(new CreateRelabelJob(expert, items)),
            idempotencyKey == null ? Map.of() : Map.of(Jobs.IDEMPOTENCY_KEY, idempotencyKey));
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return JSON.readValue(reply.body(), RelabelJob.class);
  }

  /** Posts a job of these items (no idempotency key) and returns it once it has settled. */
  protected RelabelJob settledJob(String expert, RelabelItem... items) {
    return awaitSettled(createJob(expert, List.of(items), null).id());
  }

  /** Waits until the job is no longer RUNNING (at most 60 s) and returns it. */
  protected RelabelJob awaitSettled(UUID jobId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      RelabelJob job = client().job(jobId);
      if (job.state() != JobState.RUNNING) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + jobId + " still RUNNING after 60 s: " + job);
      }
      sleep(50);
    }
  }

  /**
   * A digest of everything stored (except heartbeats), to show that a refused request changed
   * nothing.
   */
  protected Map<String, String> storedState() {
    Map<String, String> state = new LinkedHashMap<>();
    for (String table : List.of("item", "task", "label", "job_error", "judge_cache")) {
      state.put(
          table,
          jdbc.sql(
                  "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text),"
                      + " '')) FROM relabel."
                      + table
                      + " t")
              .query(String.class)
              .single());
    }
    state.put(
        "job",
        jdbc.sql(
                "SELECT count(*) || ':' || md5(coalesce(string_agg(id || state || coalesce(message,"
                    + " ''), ',' ORDER BY id), '')) FROM relabel.job")
            .query(String.class)
            .single());
    return state;
  }

  /** A short id that keeps this run's item texts apart from others' in the shared database. */
  protected static String runId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  protected static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Reply send(HttpRequest.Builder request) {
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

  private static synchronized String keyFile() {
    try {
      Path file =
          Path.of(
              System.getProperty("java.io.tmpdir"),
              "ugda-relabel-test-key-" + ProcessHandle.current().pid());
      if (!Files.exists(file)) {
        Files.writeString(file, API_KEY + "\n");
        file.toFile().deleteOnExit();
      }
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
