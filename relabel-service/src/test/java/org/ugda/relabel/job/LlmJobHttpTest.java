package org.ugda.relabel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ugda.relabel.support.Items.item;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ugda.api.job.JobState;
import org.ugda.api.job.Jobs;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.Items;
import org.ugda.relabel.support.RelabelServiceHttpTest;
import org.ugda.testsupport.OpenAiStub;

/**
 * Relabel jobs with the LLM judge over real HTTP, through the real {@code openai-java} client,
 * against the stub: whatever the provider does, every item ends labelled exactly once or in the
 * human queue, none is lost, and none is paid for twice.
 */
class LlmJobHttpTest extends RelabelServiceHttpTest {

  /** Behaviour, expected score (null: goes to humans), requests the stub must see. */
  private record Case(String behaviour, Integer score, int requests) {}

  private static final List<Case> CASES =
      List.of(
          new Case("ok:1", 1, 1),
          new Case("ok:2", 2, 1),
          new Case("ok:3", 3, 1),
          new Case("ok:4", 4, 1),
          new Case("ok:5", 5, 1),
          new Case("rate-limit-once:4", 4, 2),
          new Case("error-twice:2", 2, 3),
          new Case("slow-once:5", 5, 2),
          new Case("malformed:4", null, 1),
          new Case("out-of-range", null, 1),
          new Case("refusal", null, 1),
          new Case("always-500", null, 4),
          new Case("bad-request", null, 1));

  @AfterEach
  void resetStub() {
    STUB.delay(0);
  }

  @Test
  void shouldLabelEveryItemExactlyOnceOrQueueItForHumansWhateverTheProviderDoes() {
    String run = runId();
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      items.add(
          new RelabelItem(
              "ext-" + i,
              "\n\nHuman: question " + run + "-" + i + "\n\nAssistant:",
              "answer " + run + "-" + i + " #stub:" + CASES.get(i).behaviour()));
    }

    RelabelJob job = awaitSettled(createJob("openai+human", items, null).id());

    assertThat(job.state()).isEqualTo(JobState.AWAITING_HUMANS);
    assertThat(job.progress().total()).isEqualTo(CASES.size());
    assertThat(job.progress().labelled()).isEqualTo(8);
    assertThat(job.progress().awaitingHuman()).isEqualTo(5);
    assertThat(job.progress().pending()).isZero();
    assertThat(job.progress().failed()).isZero();
    STUB.awaitIdle();
    Map<Integer, Label> labels = new LinkedHashMap<>();
    client().labels(job.id()).forEach(label -> labels.put(label.ordinal(), label));
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      String item = run + "-" + i + " #stub:";
      assertThat(STUB.received(item)).as("requests for %s", c).isEqualTo(c.requests());
      assertThat(labelRows(job.id(), i)).as("labels of %s", c).isEqualTo(c.score() == null ? 0 : 1);
      assertThat(taskRows(job.id(), i))
          .as("human tasks of %s", c)
          .isEqualTo(c.score() == null ? 1 : 0);
      if (c.score() != null) {
        Label label = labels.get(i);
        assertThat(label.score()).isEqualTo(c.score());
        assertThat(label.expert()).isEqualTo("openai");
        assertThat(label.labeller()).isEqualTo("stub-model");
        assertThat(label.rubricVersion()).isEqualTo("ugda-rubric-v1");
        assertThat(label.externalId()).isEqualTo("ext-" + i);
        // billed once; the slow item's first answer was also produced, after the client gave up
        assertThat(STUB.answered(item)).isEqualTo(c.behaviour().startsWith("slow") ? 2 : 1);
      }
    }
    assertThat(reasonOfTask(job.id(), 8)).contains("not a single JSON object");
    assertThat(reasonOfTask(job.id(), 9)).contains("score 7 is outside 1..5");
    assertThat(reasonOfTask(job.id(), 10)).contains("refusal");
    assertThat(reasonOfTask(job.id(), 11)).contains("after 4 attempts", "HTTP 500");
    assertThat(reasonOfTask(job.id(), 12)).contains("HTTP 400");
    assertThat(job.errors()).extracting(error -> error.ordinal()).containsExactlyInAnyOrder(11, 12);
  }

  @Test
  void shouldFailItemsTheLlmCannotLabelWhenNoHumansAreAskedAndRetryThemOnResume() {
    String run = runId();
    List<RelabelItem> items =
        List.of(
            item("q " + run, "a " + run + "-0 #stub:ok:4"),
            item("q " + run, "a " + run + "-1 #stub:always-500"),
            item("q " + run, "a " + run + "-2 #stub:malformed"));

    RelabelJob job = awaitSettled(createJob("openai", items, null).id());

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.progress())
        .extracting("labelled", "awaitingHuman", "failed")
        .containsExactly(1, 1, 1);
    assertThat(job.message()).contains("1 of 3 items failed", "/resume");

    RelabelJob resumed = awaitSettled(client().resume(job.id()).id());

    assertThat(resumed.state()).isEqualTo(JobState.FAILED);
    assertThat(STUB.received(run + "-1 #stub:")).isEqualTo(8);
    assertThat(STUB.received(run + "-0 #stub:")).isEqualTo(1);
    assertThat(STUB.received(run + "-2 #stub:")).isEqualTo(1);
    assertThat(labelRows(job.id(), 0)).isEqualTo(1);
  }

  @Test
  void shouldNotPayAgainForItemsAnEarlierJobAlreadyAsked() {
    String run = runId();
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      items.add(
          new RelabelItem(
              null,
              "\n\nHuman: again " + run + "\n\nAssistant:",
              "reply " + run + "-" + i + (i == 4 ? " #stub:malformed" : " #stub:ok:" + (i + 1))));
    }
    RelabelJob first = awaitSettled(createJob("openai+human", items, null).id());
    int paid = STUB.received(run);
    double hits = cacheHits();

    RelabelJob second = awaitSettled(createJob("openai+human", items, null).id());

    assertThat(paid).isEqualTo(5);
    assertThat(STUB.received(run)).isEqualTo(paid);
    assertThat(cacheHits() - hits).isEqualTo(5);
    assertThat(second.progress()).isEqualTo(first.progress());
    assertThat(client().labels(second.id()))
        .extracting(Label::score)
        .isEqualTo(client().labels(first.id()).stream().map(Label::score).toList());
    assertThat(taskRows(second.id(), 4)).isEqualTo(1);
  }

  @Test
  void shouldAskOnceWhenConcurrentJobsShareItems() {
    STUB.delay(150);
    String run = runId();
    List<RelabelItem> items = Items.scored(6, null, "shared " + run, i -> "reply " + run + "-" + i);

    List<CompletableFuture<RelabelJob>> jobs =
        List.of(
            CompletableFuture.supplyAsync(() -> createJob("openai", items, null)),
            CompletableFuture.supplyAsync(() -> createJob("openai", items, null)),
            CompletableFuture.supplyAsync(() -> createJob("openai+human", items, null)));

    for (CompletableFuture<RelabelJob> job : jobs) {
      RelabelJob settled = awaitSettled(job.join().id());
      assertThat(settled.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(client().labels(settled.id())).hasSize(6);
    }
    for (int i = 0; i < 6; i++) {
      assertThat(STUB.received(run + "-" + i + " #stub:"))
          .as("requests for item %d", i)
          .isEqualTo(1);
    }
  }

  @Test
  void shouldReturnTheFirstJobForARetriedPostAndRefuseAReusedKey() {
    String run = runId();
    String key = UUID.randomUUID().toString();
    List<RelabelItem> items =
        List.of(
            new RelabelItem("a", "\n\nHuman: idem " + run + "\n\nAssistant:", "x"),
            new RelabelItem("b", "\n\nHuman: idem " + run + "\n\nAssistant:", "y"));
    String body = json(new CreateRelabelJob("human", items));

    Reply first = post("/v1/relabel/jobs", body, Map.of(Jobs.IDEMPOTENCY_KEY, key));
    Reply retry = post("/v1/relabel/jobs", body, Map.of(Jobs.IDEMPOTENCY_KEY, key));
    // the job puts its items in the human queue in the background: the snapshot comes after that
    awaitSettled(JSON.readValue(first.body(), RelabelJob.class).id());
    Map<String, String> stored = storedState();
    Reply reused =
        post(
            "/v1/relabel/jobs",
            json(new CreateRelabelJob("human", items.subList(0, 1))),
            Map.of(Jobs.IDEMPOTENCY_KEY, key));

    RelabelJob created = JSON.readValue(first.body(), RelabelJob.class);
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Idempotent-Replayed")).isEqualTo("false");
    assertThat(first.header("Location")).endsWith(":" + port + "/v1/relabel/jobs/" + created.id());
    assertThat(retry.status()).isEqualTo(202);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(JSON.readValue(retry.body(), RelabelJob.class).id()).isEqualTo(created.id());
    assertThat(
            jdbc.sql("SELECT count(*) FROM relabel.job WHERE idempotency_key = ?")
                .param(key)
                .query(Integer.class)
                .single())
        .isEqualTo(1);
    assertThat(
            jdbc.sql("SELECT count(*) FROM relabel.item WHERE job_id = ?")
                .param(created.id())
                .query(Integer.class)
                .single())
        .isEqualTo(2);
    assertThat(reused.status()).isEqualTo(409);
    assertThat(reused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(reused.body()).contains("was used for another request");
    assertThat(storedState()).isEqualTo(stored);
  }

  @Test
  void shouldAskWithTheRubricAndJsonModeAndCountTokensAndCost() {
    String run = runId();
    settledJob("openai", item("metrics " + run, "reply " + run + " #stub:ok:3"));

    assertThat(STUB.lastBody())
        .contains(
            "\"model\":\"stub-model\"",
            "\"temperature\":0.0",
            "\"response_format\":{\"type\":\"json_object\"}",
            "Answer with exactly one JSON object",
            "<conversation>",
            "<response>");
    Reply metrics = get("/actuator/prometheus");
    assertThat(metrics.body())
        .contains(
            "ugda_relabel_judge_tokens_total{kind=\"prompt\",model=\"stub-model\"}",
            "ugda_relabel_judge_tokens_total{kind=\"completion\",model=\"stub-model\"}",
            "ugda_relabel_judge_cost_usd_total{model=\"stub-model\"}",
            "ugda_relabel_judge_requests_total{model=\"stub-model\",outcome=\"success\"}",
            "ugda_relabel_judge_cache_total{model=\"stub-model\",result=\"miss\"}",
            "ugda_relabel_judge_circuit_open{model=\"stub-model\"} 0.0",
            "hikaricp_connections_active{pool=\"relabel\"}");
    assertThat(metric(metrics.body(), "ugda_relabel_judge_cost_usd_total{model=\"stub-model\"}"))
        .isPositive();
  }

  private double cacheHits() {
    return metric(
        get("/actuator/prometheus").body(),
        "ugda_relabel_judge_cache_total{model=\"stub-model\"," + "result=\"hit\"}");
  }

  private static double metric(String prometheus, String series) {
    return prometheus
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .findFirst()
        .map(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .orElse(0.0);
  }

  private int labelRows(UUID jobId, int ordinal) {
    return rowsOf("label", jobId, ordinal);
  }

  private int taskRows(UUID jobId, int ordinal) {
    return rowsOf("task", jobId, ordinal);
  }

  /** How many rows of {@code relabel.table} belong to one item. */
  private int rowsOf(String table, UUID jobId, int ordinal) {
    return ofItem(
        "SELECT count(*) FROM relabel." + table + " t JOIN relabel.item i ON i.id = t.item_id",
        jobId,
        ordinal,
        Integer.class);
  }

  private String reasonOfTask(UUID jobId, int ordinal) {
    return ofItem(
        "SELECT t.reason FROM relabel.task t JOIN relabel.item i ON i.id = t.item_id",
        jobId,
        ordinal,
        String.class);
  }

  /** The single value {@code select} (joined to the item as {@code i}) gives for one item. */
  private <T> T ofItem(String select, UUID jobId, int ordinal, Class<T> type) {
    return jdbc.sql(select + "\nWHERE i.job_id = ? AND i.ordinal = ?")
        .param(jobId)
        .param(ordinal)
        .query(type)
        .single();
  }

  static {
    // the slow item's first answer must outlast the 1 s request timeout
    assertThat(OpenAiStub.SLOW_MILLIS).isGreaterThan(1000);
  }
}
