package org.ugda.relabel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ugda.relabel.support.Items.item;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.RelabelServiceApplication;
import org.ugda.relabel.support.Items;
import org.ugda.testsupport.OpenAiStub;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restarts on a database of its own: a job cut off by a shutdown is reported INTERRUPTED and,
 * resumed by a new instance, finishes with every item labelled once and none asked twice; a job
 * whose instance died (stale heartbeat) is found and reported too; a cancelled job stays cancelled
 * (a restart neither resumes nor interrupts it); and an upgrade from the first schema shows a job
 * that had COMPLETED as SUCCEEDED.
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
    List<RelabelItem> items =
        Items.scored(24, "r", "restart " + run, i -> "reply " + run + "-" + i + "#");
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

      assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
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

  @Test
  void shouldLeaveACancelledJobCancelledAfterARestart(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "sk-restart-test-key-000000");
    STUB.delay(150);
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<RelabelItem> items =
        Items.scored(24, null, "cancelled " + run, i -> "reply " + run + "-" + i + "#");
    RelabelJob llm;
    RelabelJob humans;
    try (ConfigurableApplicationContext first = start(key)) {
      UUID llmId =
          post(
                  first,
                  "/v1/relabel/jobs",
                  JSON.writeValueAsString(new CreateRelabelJob("openai", items)))
              .id();
      await(first, llmId, seen -> seen.progress().labelled() >= 2);
      llm = send(request(first, "/v1/relabel/jobs/" + llmId + "/cancel", ""), 200);
      UUID humansId =
          post(
                  first,
                  "/v1/relabel/jobs",
                  JSON.writeValueAsString(new CreateRelabelJob("human", items.subList(0, 2))))
              .id();
      await(first, humansId, seen -> seen.state() == JobState.AWAITING_HUMANS);
      humans = send(request(first, "/v1/relabel/jobs/" + humansId + "/cancel", ""), 200);
      STUB.awaitIdle();
    }
    int asked = STUB.received("reply " + run + "-");
    int labelled = count("SELECT count(*) FROM relabel.label");
    assertThat(llm.state()).isEqualTo(JobState.CANCELLED);
    assertThat(labelled).isEqualTo(llm.progress().labelled()).isBetween(2, 23);

    try (ConfigurableApplicationContext second = start(key)) {
      // the new instance labels a job of its own to the end, and leaves the cancelled ones alone
      RelabelJob other =
          post(
              second,
              "/v1/relabel/jobs",
              JSON.writeValueAsString(
                  new CreateRelabelJob("openai", List.of(item("other " + run, "x")))));
      await(second, other.id(), seen -> seen.state() == JobState.SUCCEEDED);

      for (RelabelJob before : List.of(llm, humans)) {
        RelabelJob after = get(second, "/v1/relabel/jobs/" + before.id());
        assertThat(after.state()).isEqualTo(JobState.CANCELLED);
        assertThat(after.progress()).isEqualTo(before.progress());
        assertThat(after.message()).isEqualTo(before.message());
        HttpResponse<String> resume =
            exchange(request(second, "/v1/relabel/jobs/" + before.id() + "/resume", ""));
        assertThat(resume.statusCode()).isEqualTo(409);
        assertThat(resume.body()).contains("is CANCELLED");
      }
      HttpResponse<String> claim =
          exchange(
              request(
                  second,
                  "/v1/relabel/tasks/claim",
                  "{\"labeller\":\"zoe\",\"jobId\":\"" + humans.id() + "\"}"));
      assertThat(claim.statusCode()).isEqualTo(409);
      assertThat(claim.body()).contains("was cancelled");
    }
    assertThat(STUB.received("reply " + run + "-")).isEqualTo(asked);
    assertThat(count("SELECT count(*) FROM relabel.label")).isEqualTo(labelled + 1);
    assertThat(count("SELECT count(*) FROM relabel.task WHERE state IN ('OPEN', 'CLAIMED')"))
        .isZero();
  }

  @Test
  void shouldShowAJobCompletedBeforeTheUpgradeAsSucceeded(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "sk-restart-test-key-000000");
    // the schema as the previous release left it, with a job it had called COMPLETED
    Flyway.configure()
        .dataSource(database.url(), database.username(), database.password())
        .schemas("relabel")
        .defaultSchema("relabel")
        .locations("classpath:db/migration/relabel")
        .target("1")
        .load()
        .migrate();
    UUID completed = UUID.randomUUID();
    UUID item = UUID.randomUUID();
    UUID task = UUID.randomUUID();
    database.execute(
        "INSERT INTO relabel.job (id, request_hash, expert, state, rubric_version, runner) VALUES ('"
            + completed
            + "', 'h', 'human', 'COMPLETED', 'ugda-rubric-v1', 'old-host/00000000')");
    database.execute(
        "INSERT INTO relabel.item (id, job_id, ordinal, prompt, response, content_hash, state)"
            + " VALUES ('"
            + item
            + "', '"
            + completed
            + "', 0, 'p', 'r', 'c', 'LABELLED')");
    database.execute(
        "INSERT INTO relabel.task (id, item_id, job_id, reason, state, done_at) VALUES ('"
            + task
            + "', '"
            + item
            + "', '"
            + completed
            + "', 'expert human', 'DONE', now())");
    database.execute(
        "INSERT INTO relabel.label (id, item_id, expert, labeller, score, rubric_version, task_id)"
            + " VALUES ('"
            + UUID.randomUUID()
            + "', '"
            + item
            + "', 'human', 'zoe', 4, 'ugda-rubric-v1', '"
            + task
            + "')");

    try (ConfigurableApplicationContext upgraded = start(key)) {
      RelabelJob job = get(upgraded, "/v1/relabel/jobs/" + completed);
      HttpResponse<String> labels =
          exchange(
              HttpRequest.newBuilder(uri(upgraded, "/v1/relabel/jobs/" + completed + "/labels"))
                  .GET()
                  .build());
      HttpResponse<String> resume =
          exchange(request(upgraded, "/v1/relabel/jobs/" + completed + "/resume", ""));
      HttpResponse<String> cancel =
          exchange(request(upgraded, "/v1/relabel/jobs/" + completed + "/cancel", ""));

      assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(job.progress().labelled()).isEqualTo(1);
      assertThat(job.progress().total()).isEqualTo(1);
      assertThat(JSON.readValue(labels.body(), Label[].class))
          .singleElement()
          .extracting(Label::labeller, Label::score)
          .containsExactly("zoe", 4);
      assertThat(resume.statusCode()).isEqualTo(409);
      assertThat(resume.body()).contains("is SUCCEEDED");
      assertThat(cancel.statusCode()).isEqualTo(409);
      assertThat(cancel.body()).contains("has already ended (SUCCEEDED)");
    }
    assertThat(jdbcString("SELECT state FROM relabel.job WHERE id = '" + completed + "'"))
        .isEqualTo("SUCCEEDED");
    assertThat(
            jdbcString(
                "SELECT version FROM relabel.flyway_schema_history WHERE success"
                    + " ORDER BY installed_rank DESC LIMIT 1"))
        .isEqualTo("2");
    // the old name is gone from the schema, the new ones are allowed
    assertThatThrownBy(
            () ->
                database.execute(
                    "UPDATE relabel.job SET state = 'COMPLETED' WHERE id = '" + completed + "'"))
        .rootCause()
        .hasMessageContaining("violates check constraint \"job_state_check\"");
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
    return send(request(context, path, body), 202);
  }

  private static RelabelJob send(HttpRequest request, int status)
      throws IOException, InterruptedException {
    HttpResponse<String> response = exchange(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readValue(response.body(), RelabelJob.class);
  }

  private static HttpRequest request(
      ConfigurableApplicationContext context, String path, String body) {
    return HttpRequest.newBuilder(uri(context, path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> exchange(HttpRequest request)
      throws IOException, InterruptedException {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
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
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
