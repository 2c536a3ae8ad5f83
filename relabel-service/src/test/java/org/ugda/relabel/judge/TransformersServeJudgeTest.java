package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.RelabelServiceApplication;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * The judge against a real {@code transformers serve} (transformers 5.x with fastapi, uvicorn and
 * openai), two of them: one serving a tiny random Llama with a chat template ({@code
 * tools/tiny_chat_model.py}, the "noise" judge: its answers are no JSON), one serving the same
 * model fine-tuned on CPU to answer {@code {"score": 4, "reason": "ok"}} ({@code
 * tools/tiny_judge_model.py}).
 *
 * <p>The client: a request for another model is refused with the server's own words and stops the
 * job as misconfigured; with {@code token-limit-field: max_tokens} the server takes the cap (its
 * log does not list the field as ignored), with {@code max_completion_tokens} it ignores it. End to
 * end, the whole relabel-service (its HTTP API, on this JVM's PostgreSQL) configured for that
 * server as its README says: with the fine-tuned judge a job of 6 items ends {@code SUCCEEDED},
 * every item labelled 4 "ok"; with the noise judge every item goes to the human queue ({@code
 * AWAITING_HUMANS}, tasks claimable), nothing crashes, the service stays healthy, and neither the
 * stored reasons nor the log carry control characters.
 *
 * <p>Needs {@code UGDA_TRL_PYTHON}, a Python with torch, transformers, fastapi, uvicorn and openai
 * and the {@code transformers} command beside it; skipped, and says so, without one (the default CI
 * run; {@code -Ppython-peers} makes the venv and runs it).
 */
@ExtendWith(OutputCaptureExtension.class)
class TransformersServeJudgeTest {
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\r\\t]]|\\p{Cf}");

  private static final List<Process> servers = new ArrayList<>();
  private static Path log;
  private static Path model;
  private static int port;
  private static Path judgeModel;
  private static int judgePort;
  private static String skipped;

  @BeforeAll
  static void start() throws Exception {
    String python = System.getenv("UGDA_TRL_PYTHON");
    if (python == null || !Files.isExecutable(Path.of(python))) {
      skipped = "UGDA_TRL_PYTHON names no Python with transformers serve; skipped";
      return;
    }
    Path cli = Path.of(python).resolveSibling("transformers");
    if (!Files.isExecutable(cli)) {
      skipped = "no transformers command beside " + python + "; skipped";
      return;
    }
    model = Files.createTempDirectory("ugda-tiny-chat");
    make(python, "tiny_chat_model.py", model);
    judgeModel = Files.createTempDirectory("ugda-tiny-judge");
    long tuning = System.nanoTime();
    String tuned = make(python, "tiny_judge_model.py", judgeModel);
    System.out.printf(
        "tiny judge fine-tuned in %.1f s (wall, with the base model): %s%n",
        (System.nanoTime() - tuning) / 1e9, tuned.lines().reduce((a, b) -> b).orElse(""));
    log = Files.createTempFile("ugda-transformers-serve", ".log");
    port = serve(cli, model, log);
    judgePort =
        serve(cli, judgeModel, Files.createTempFile("ugda-transformers-serve-judge", ".log"));
  }

  /** Runs {@code tools/<script> dir} with {@code python}; returns its output. */
  private static String make(String python, String script, Path dir) throws Exception {
    Process make =
        new ProcessBuilder(
                python,
                Path.of("..", "tools", script).toAbsolutePath().normalize().toString(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String made = new String(make.getInputStream().readAllBytes());
    assertThat(make.waitFor()).as(made).isZero();
    return made;
  }

  /** Starts {@code transformers serve dir} on a free port, waits until it answers; the port. */
  private static int serve(Path cli, Path dir, Path serverLog) throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    servers.add(
        new ProcessBuilder(
                cli.toString(), "serve", dir.toString(), "--port", Integer.toString(free))
            .redirectErrorStream(true)
            .redirectOutput(serverLog.toFile())
            .start());
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + free + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() > 0) {
          return free;
        }
      } catch (IOException notYet) {
        assertThat(System.nanoTime()).as(Files.readString(serverLog)).isLessThan(end);
        Thread.sleep(500);
      }
    }
  }

  /** Each test, not the class, is skipped: surefire then counts and reports them as skipped. */
  @BeforeEach
  void needsThePython() {
    Assumptions.assumeTrue(skipped == null, skipped);
  }

  @AfterAll
  static void stop() {
    servers.forEach(Process::destroy);
  }

  private static OpenAiChat chat(String modelName, String field) {
    JudgeProperties p =
        new JudgeProperties(
            URI.create("http://localhost:" + port + "/v1"),
            modelName,
            "UNUSED",
            null,
            Duration.ofSeconds(60),
            16,
            field,
            false,
            new JudgeProperties.Retry(
                1,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60)),
            new JudgeProperties.Limits(1, 0),
            new JudgeProperties.Breaker(100, Duration.ofSeconds(1)),
            new JudgeProperties.Pricing(0, 0),
            Duration.ofSeconds(30));
    return new OpenAiChat(p, ApiKey.resolve(null, "KEY", name -> "sk-local"), Rubric.V1);
  }

  @Test
  void anotherModelIsRefusedInTheServersWordsAndIsMisconfigured() {
    try (OpenAiChat c = chat("gpt-4o-mini", "max_tokens")) {
      assertThatThrownBy(() -> c.complete("what is 7 plus 5 ?", "12 ."))
          .isInstanceOfSatisfying(
              CallFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(CallFailure.Kind.MISCONFIGURED);
                assertThat(f.getMessage()).contains("HTTP 400", "pinned to", "gpt-4o-mini");
              });
    }
  }

  @Test
  void theServerTakesTheCapFromMaxTokensAndIgnoresMaxCompletionTokens() throws Exception {
    try (OpenAiChat c = chat(model.toString(), "max_tokens")) {
      Completion done = c.complete("what is 7 plus 5 ?", "12 .");
      assertThat(done.completionTokens()).isBetween(0L, 16L);
    }
    assertThat(Files.readString(log)).doesNotContain("max_tokens'}");
    try (OpenAiChat c = chat(model.toString(), "max_completion_tokens")) {
      c.complete("what is 7 plus 5 ?", "12 .");
    }
    assertThat(Files.readString(log))
        .contains("Ignoring unsupported fields in the request")
        .contains("max_completion_tokens");
  }

  @Test
  void theFineTunedJudgeLabelsEveryItemOfAJobThroughTheService(CapturedOutput output)
      throws Exception {
    try (Service service = Service.start(judgePort, judgeModel)) {
      RelabelJob job = judged(service, "tuned", JobState.SUCCEEDED, 6, 0);

      List<Label> labels =
          Arrays.asList(
              JSON.readValue(
                  service.get("/v1/relabel/jobs/" + job.id() + "/labels").body(), Label[].class));
      assertThat(labels).hasSize(6);
      assertThat(labels).extracting(Label::score).containsOnly(4);
      assertThat(labels).extracting(Label::comment).containsOnly("ok");
      assertThat(labels).extracting(Label::expert).containsOnly("openai");
      assertThat(labels).extracting(Label::labeller).containsOnly(judgeModel.toString());
      assertThat(service.get("/actuator/health").status()).isEqualTo(200);
    }
    assertThat(CONTROL.matcher(output.getAll()).find()).isFalse();
  }

  @Test
  void theNoiseJudgesAnswersGoToTheHumanQueueAndNothingCrashes(CapturedOutput output)
      throws Exception {
    try (Service service = Service.start(port, model)) {
      RelabelJob job = judged(service, "noise", JobState.AWAITING_HUMANS, 0, 6);

      assertThat(service.get("/v1/relabel/jobs/" + job.id() + "/labels").body()).isEqualTo("[]");
      List<String> reasons =
          service
              .jdbc()
              .sql(
                  "SELECT t.reason FROM relabel.task t JOIN relabel.item i ON i.id = t.item_id"
                      + " WHERE i.job_id = ?")
              .param(job.id())
              .query(String.class)
              .list();
      assertThat(reasons).hasSize(6).allSatisfy(r -> assertThat(r).isNotBlank());
      assertThat(reasons).noneMatch(r -> CONTROL.matcher(r).find());
      for (int i = 0; i < 6; i++) {
        Service.Reply claim =
            service.post(
                "/v1/relabel/tasks/claim",
                JSON.writeValueAsString(Map.of("labeller", "alice-" + i, "jobId", job.id())));
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        assertThat(claim.body()).contains(job.id().toString());
      }
      System.out.println("a stored reason: " + reasons.get(0));
      assertThat(service.get("/actuator/health").status()).isEqualTo(200);
      // and it still judges: the same service against the same server, another job
      assertThat(service.settled("openai", items("noise-again")).state())
          .isEqualTo(JobState.AWAITING_HUMANS);
    }
    assertThat(output.getAll()).contains("item goes to the human queue");
    assertThat(CONTROL.matcher(output.getAll()).find()).isFalse();
  }

  /** Posts an {@code openai} job of {@link #items}, waits, checks how it ended and prints it. */
  private static RelabelJob judged(
      Service service, String tag, JobState state, int labelled, int queued) throws Exception {
    RelabelJob job = service.settled("openai", items(tag));
    assertThat(job.state()).as(job.toString()).isEqualTo(state);
    assertThat(job.progress())
        .extracting("labelled", "awaitingHuman", "failed")
        .containsExactly(labelled, queued, 0);
    System.out.printf(
        "%s judge: %s, %d of %d items labelled, %d queued%n",
        tag, job.state(), labelled, job.progress().total(), queued);
    return job;
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Six one-turn items, distinct per run (the judge cache is keyed by their text). */
  private static List<RelabelItem> items(String tag) {
    String run = tag + "-" + UUID.randomUUID().toString().substring(0, 8);
    List<RelabelItem> items = new ArrayList<>();
    String[][] turns = {
      {"what is 7 plus 5 ?", "12 ."},
      {"name a colour of the sky .", "blue ."},
      {"how do I boil an egg ?", "put it in boiling water for nine minutes ."},
      {"say hello in French .", "bonjour ."},
      {"is it safe to eat raw chicken ?", "no , cook it through first ."},
      {"write one word that rhymes with cat .", "hat ."}
    };
    for (int i = 0; i < turns.length; i++) {
      items.add(
          new RelabelItem(
              "x" + i, "\n\nHuman: " + turns[i][0] + " (" + run + ")\n\nAssistant:", turns[i][1]));
    }
    return items;
  }

  /** The whole relabel-service, configured for {@code transformers serve} as its README says. */
  private record Service(ConfigurableApplicationContext context, HttpClient http)
      implements AutoCloseable {

    record Reply(int status, String body) {}

    static Service start(int servePort, Path servedModel) throws IOException {
      TestDatabase db = TestDatabase.shared();
      Path key = Files.createTempFile("ugda-serve-key", "");
      Files.writeString(key, "sk-local\n");
      key.toFile().deleteOnExit();
      ConfigurableApplicationContext context =
          RelabelServiceApplication.application()
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + db.url(),
                  "--spring.datasource.username=" + db.username(),
                  "--spring.datasource.password=" + db.password(),
                  "--ugda.relabel.judge.base-url=http://localhost:" + servePort + "/v1",
                  "--ugda.relabel.judge.model=" + servedModel,
                  "--ugda.relabel.judge.api-key-file=" + key,
                  "--ugda.relabel.judge.token-limit-field=max_tokens",
                  "--ugda.relabel.judge.max-output-tokens=32",
                  "--ugda.relabel.judge.request-timeout=60s",
                  "--ugda.relabel.judge.limits.max-concurrency=2",
                  "--ugda.relabel.jobs.workers=2");
      return new Service(context, HttpClient.newHttpClient());
    }

    JdbcClient jdbc() {
      return context.getBean(JdbcClient.class);
    }

    Reply get(String path) throws Exception {
      return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply post(String path, String body) throws Exception {
      return send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts a job through the HTTP API and waits (at most 3 min) until it is no longer RUNNING. */
    RelabelJob settled(String expert, List<RelabelItem> items) throws Exception {
      Reply created =
          post("/v1/relabel/jobs", JSON.writeValueAsString(new CreateRelabelJob(expert, items)));
      assertThat(created.status()).as(created.body()).isEqualTo(202);
      UUID id = JSON.readValue(created.body(), RelabelJob.class).id();
      long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (true) {
        RelabelJob job = JSON.readValue(get("/v1/relabel/jobs/" + id).body(), RelabelJob.class);
        if (job.state() != JobState.RUNNING) {
          return job;
        }
        assertThat(System.nanoTime()).as("job still running: %s", job).isLessThan(end);
        Thread.sleep(200);
      }
    }

    private URI uri(String path) {
      return URI.create(
          "http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    }

    @Override
    public void close() {
      context.close();
    }
  }
}
