package org.ugda.relabel.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.JobState;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.RelabelServiceApplication;
import org.ugda.relabel.support.OpenAiStub;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restarts on a database of its own: a job cut off by a shutdown is reported INTERRUPTED and,
 * resumed by a new instance, finishes with every item labelled once and none asked twice; a job
 * whose instance died (stale heartbeat) is found and reported too.
 */
class JobRestartTest {

  private static final OpenAiStub STUB = OpenAiStub.start();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final TestDatabase database = TestDatabase.fresh();

  @AfterAll
  static void stopStub() {
    STUB.close();
  }

  @Test
  void shouldResumeAnInterruptedJobWithoutLosingOrRepayingAnItem(@TempDir Path dir)
      throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "sk-restart-test-key-000000");
    STUB.delay(150);
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      items.add(
          new RelabelItem(
              "r" + i,
              "\n\nHuman: restart " + run + "\n\nAssistant:",
              "reply " + run + "-" + i + "# #stub:ok:" + (1 + i % 5)));
    }
    UUID jobId;
    try (ConfigurableApplicationContext first = start(key)) {
      RelabelJob job =
          post(
              first,
              "/v1/relabel/jobs",
              JSON.writeValueAsString(new CreateRelabelJob("openai", items)));
      jobId = job.id();
      await(first, jobId, seen -> seen.progress().labelled() >= 4);
    }
    int labelledBefore = count("SELECT count(*) FROM relabel.label");
    assertThat(jdbcString("SELECT state FROM relabel.job WHERE id = '" + jobId + "'"))
        .isEqualTo("INTERRUPTED");
    assertThat(labelledBefore).isBetween(4, 23);
    // items being judged at the shutdown were allowed to finish: every item asked about is labelled
    assertThat(STUB.received(run)).isEqualTo(labelledBefore);
    UUID crashed = insertJobOfADeadInstance();

    try (ConfigurableApplicationContext second = start(key)) {
      RelabelJob interrupted = get(second, "/v1/relabel/jobs/" + jobId);
      assertThat(interrupted.state()).isEqualTo(JobState.INTERRUPTED);
      assertThat(interrupted.message())
          .contains("interrupted by a shutdown of instance", "/resume");
      RelabelJob dead = get(second, "/v1/relabel/jobs/" + crashed);
      assertThat(dead.state()).isEqualTo(JobState.INTERRUPTED);
      assertThat(dead.message())
          .contains("instance crashed-host/deadbeef stopped (no heartbeat since");

      post(second, "/v1/relabel/jobs/" + jobId + "/resume", "");
      RelabelJob done = await(second, jobId, seen -> seen.state() != JobState.RUNNING);
      post(second, "/v1/relabel/jobs/" + crashed + "/resume", "");
      RelabelJob deadResumed = await(second, crashed, seen -> seen.state() != JobState.RUNNING);

      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.progress().labelled()).isEqualTo(24);
      assertThat(deadResumed.state()).isEqualTo(JobState.AWAITING_HUMANS);
      assertThat(deadResumed.progress().awaitingHuman()).isEqualTo(2);
    }
    assertThat(
            count(
                "SELECT count(*) FROM relabel.label l JOIN relabel.item i ON i.id = l.item_id "
                    + "WHERE i.job_id = '"
                    + jobId
                    + "'"))
        .isEqualTo(24);
    assertThat(count("SELECT count(DISTINCT item_id) FROM relabel.label")).isEqualTo(24);
    for (int i = 0; i < 24; i++) {
      assertThat(STUB.received(run + "-" + i + "#")).as("requests for item %d", i).isEqualTo(1);
    }
  }

  private ConfigurableApplicationContext start(Path key) {
    return RelabelServiceApplication.application()
        .run(
            "--server.port=0",
            "--spring.datasource.url=" + database.url(),
            "--spring.datasource.username=" + database.username(),
            "--spring.datasource.password=" + database.password(),
            "--ugda.relabel.judge.base-url=" + STUB.baseUrl(),
            "--ugda.relabel.judge.api-key-file=" + key,
            "--ugda.relabel.judge.limits.max-concurrency=2",
            "--ugda.relabel.judge.limits.requests-per-second=0",
            "--ugda.relabel.jobs.workers=2",
            "--ugda.relabel.jobs.heartbeat=1s",
            "--ugda.relabel.jobs.stale-after=5s",
            "--ugda.relabel.jobs.shutdown-grace=5s",
            "--ugda.database.max-pool-size=4",
            "--spring.main.banner-mode=off");
  }

  private UUID insertJobOfADeadInstance() {
    UUID id = UUID.randomUUID();
    database.execute(
        "INSERT INTO relabel.job (id, request_hash, expert, state, rubric_version, runner, heartbeat_at)"
            + " VALUES ('"
            + id
            + "', 'h', 'human', 'RUNNING', 'ugda-rubric-v1', 'crashed-host/deadbeef',"
            + " now() - interval '1 hour')");
    for (int i = 0; i < 2; i++) {
      database.execute(
          "INSERT INTO relabel.item (id, job_id, ordinal, prompt, response, content_hash, state)"
              + " VALUES ('"
              + UUID.randomUUID()
              + "', '"
              + id
              + "', "
              + i
              + ", 'p', 'r"
              + i
              + "', 'c"
              + i
              + "', 'PENDING')");
    }
    return id;
  }

  private RelabelJob await(
      ConfigurableApplicationContext context, UUID jobId, Predicate<RelabelJob> until)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      RelabelJob job = get(context, "/v1/relabel/jobs/" + jobId);
      if (until.test(job)) {
        return job;
      }
      assertThat(System.nanoTime()).as("waiting for job %s: %s", jobId, job).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static RelabelJob get(ConfigurableApplicationContext context, String path)
      throws Exception {
    return send(HttpRequest.newBuilder(uri(context, path)).GET().build(), 200);
  }

  private static RelabelJob post(ConfigurableApplicationContext context, String path, String body)
      throws Exception {
    return send(
        HttpRequest.newBuilder(uri(context, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        202);
  }

  private static RelabelJob send(HttpRequest request, int status)
      throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readValue(response.body(), RelabelJob.class);
  }

  private static URI uri(ConfigurableApplicationContext context, String path) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return URI.create("http://localhost:" + port + path);
  }

  private int count(String sql) {
    return Integer.parseInt(jdbcString(sql));
  }

  private String jdbcString(String sql) {
    try (var connection = database.connect();
        var statement = connection.createStatement();
        var result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
