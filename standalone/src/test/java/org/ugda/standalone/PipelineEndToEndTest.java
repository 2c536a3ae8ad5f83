package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.testsupport.DashboardScreenshot;
import org.ugda.testsupport.HeadlessChromium;
import org.ugda.testsupport.Http;
import tools.jackson.databind.JsonNode;

/**
 * Algorithm 1 end to end through the gateway: every service in this JVM on one real (embedded)
 * PostgreSQL, the tiny benchmark world, a {@code ugda} run of the tiny preset. The whole platform
 * is stopped while the run's first PPO is under way and started again on the same database; the
 * restarted gateway resumes the run from that step by itself, and it finishes with no rollout,
 * label or ensemble version twice. A second run ({@code ppo}, same seed and preset) then takes over
 * the finished ensemble step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {
  private static Path root;
  private static Standalone standalone;
  private static Http gateway;
  private static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdefghijklmnopq";

  @BeforeAll
  static void start() throws IOException {
    root = TinyWorld.build(Path.of("target", "pipeline-world"));
    TinyWorld.delete(Path.of("target", "pipeline-postgres"));
    TinyWorld.delete(root.resolve("reward"));
    TinyWorld.delete(root.resolve("policy"));
    startPlatform();
  }

  private static void startPlatform() {
    standalone = TinyPlatform.start(root, "target/pipeline-postgres", ADMIN_KEY);
    gateway = new Http(standalone.urls().get("gateway").getPort()).withKey(ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (standalone != null) {
      standalone.close();
    }
  }

  private static JsonNode run(String id) {
    Http.Response r = gateway.get("/api/runs/" + id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode step(JsonNode run, String name) {
    for (JsonNode s : run.get("steps")) {
      if (s.get("name").asString().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no step " + name + " in " + run);
  }

  private static JsonNode await(String id, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode j = run(id);
    while (System.nanoTime() < end) {
      j = run(id);
      String state = j.get("state").asString();
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        return j;
      }
      sleep(500);
    }
    return j;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(1)
  void aUgdaRunSurvivesARestartAndLeavesEveryArtefactOnce() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", "ugda");
    body.put("preset", "tiny");
    body.put("seed", 3);
    body.put("name", "e2e <b>ugda</b>");
    Http.Response created =
        gateway.post(
            "/api/runs", Http.JSON.writeValueAsString(body), "e2e-ugda-" + System.nanoTime());
    assertThat(created.status()).as(created.body()).isEqualTo(202);
    String id = created.json().get("id").asString();
    assertThat(created.header("Location")).endsWith("/api/runs/" + id);
    assertThat(created.json().get("steps")).hasSize(7);

    // stop everything once the first PPO run has logged a step, then start again on the same data
    long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (true) {
      JsonNode ppo = step(run(id), "ppo");
      JsonNode progress = ppo.get("progress");
      if (progress != null
          && progress.hasNonNull("finishedSteps")
          && progress.get("finishedSteps").asInt() >= 2) {
        break;
      }
      assertThat(run(id).get("state").asString()).isIn("QUEUED", "RUNNING");
      assertThat(System.nanoTime()).as("ppo did not start in time").isLessThan(end);
      sleep(300);
    }
    standalone.close();
    startPlatform();
    // the restarted gateway carries the interrupted run on by itself
    // (ugda.pipeline.resume-interrupted)
    JsonNode resumed = run(id);
    assertThat(resumed.get("state").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
    assertThat(step(resumed, "ensemble").get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(step(resumed, "ensemble").get("reusedFrom").isNull()).isTrue();

    JsonNode done = await(id, Duration.ofMinutes(15));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    for (JsonNode s : done.get("steps")) {
      assertThat(s.get("state").asString()).as(s.toString()).isEqualTo("SUCCEEDED");
    }

    // the ensemble: version 1 (initialised), 2 (trained), 3 (refined) and nothing else
    String ensemble = step(done, "ensemble").get("outputs").get("ensembleId").asString();
    JsonNode versions = gateway.get("/api/reward/v1/ensembles/" + ensemble + "/versions").json();
    List<Integer> numbers = new ArrayList<>();
    versions.forEach(v -> numbers.add(v.get("number").asInt()));
    assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(step(done, "refine").get("outputs").get("version").asInt()).isEqualTo(3);

    // each PPO run logged 2 epochs x 6 steps x 8 rollouts, once each, though the first was cut
    for (String name : List.of("ppo", "ppo-refined")) {
      String policyRun = step(done, name).get("outputs").get("policyRunId").asString();
      JsonNode pr = gateway.get("/api/policy/v1/runs/" + policyRun).json();
      assertThat(pr.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(pr.get("loggedRollouts").asLong()).as(name).isEqualTo(96);
      Set<String> keys = new HashSet<>();
      String after = null;
      do {
        JsonNode page =
            gateway
                .get(
                    "/api/policy/v1/runs/"
                        + policyRun
                        + "/rollouts?limit=50"
                        + (after == null ? "" : "&after=" + after))
                .json();
        for (JsonNode row : page.get("items")) {
          assertThat(keys.add(row.get("step").asInt() + "/" + row.get("index").asInt()))
              .as("rollout logged twice")
              .isTrue();
        }
        after = page.hasNonNull("next") ? page.get("next").asString() : null;
      } while (after != null);
      assertThat(keys).hasSize(96);
    }

    // the selection kept a quarter of the log, the expert labelled exactly those, once each
    JsonNode select = step(done, "select").get("outputs");
    assertThat(select.get("keptSize").asInt()).isEqualTo(24);
    String relabelJob = step(done, "relabel").get("outputs").get("relabelJobId").asString();
    JsonNode labels = gateway.get("/api/relabel/v1/relabel/jobs/" + relabelJob + "/labels").json();
    assertThat(labels).hasSize(24);
    Set<String> labelled = new HashSet<>();
    labels.forEach(l -> labelled.add(l.get("externalId").asString()));
    assertThat(labelled).hasSize(24);
    assertThat(step(done, "refine").get("outputs").get("labels").asInt()).isEqualTo(24);

    // results: gold reward of SFT and of the final policy per subtask, accuracy per version
    JsonNode results = done.get("results");
    for (String who : List.of("sft", "policy")) {
      for (String subtask : List.of("helpful", "harmless", "all")) {
        JsonNode g = results.get(who).get(subtask);
        assertThat(g).as(who + " " + subtask + " in " + results).isNotNull();
        assertThat(g.get("mean").asDouble()).isBetween(0.0, 1.0);
        assertThat(g.get("n").asInt()).isPositive();
      }
    }
    assertThat(results.get("policy").get("all").get("n").asInt()).isEqualTo(32);
    assertThat(results.get("accuracy").has("2")).isTrue();
    assertThat(results.get("accuracy").has("3")).isTrue();
    assertThat(results.get("relabelled").asInt()).isEqualTo(24);
    assertThat(done.get("name").asString()).isEqualTo("e2e <b>ugda</b>");

    // the dashboard draws the finished run from the real services (headless Chromium)
    if (HeadlessChromium.available()) {
      java.net.URI at = standalone.urls().get("gateway");
      String dom = DashboardScreenshot.dom(at, ADMIN_KEY, id);
      for (String chart :
          List.of(
              "gold-proxy",
              "overopt",
              "variance-hist",
              "influence",
              "scores",
              "versions",
              "results")) {
        assertThat(dom).as(chart).contains("data-chart=\"" + chart + "\" data-state=\"drawn\"");
      }
      assertThat(dom).contains("e2e &lt;b&gt;ugda&lt;/b&gt;").doesNotContain("<b>ugda</b>");
      Path png =
          DashboardScreenshot.take(
              at, ADMIN_KEY, id, Path.of("target", "dashboard", "e2e-ugda-run.png"));
      assertThat(png).isRegularFile();
    }

    // a ppo run of the same seed and preset takes over the finished ensemble
    Http.Response ppo =
        gateway.post(
            "/api/runs", Map.of("method", "ppo", "preset", "tiny", "seed", 3, "budget", 0));
    assertThat(ppo.status()).as(ppo.body()).isEqualTo(202);
    JsonNode ppoDone = await(ppo.json().get("id").asString(), Duration.ofMinutes(10));
    assertThat(ppoDone.get("state").asString()).as(ppoDone.toString()).isEqualTo("SUCCEEDED");
    assertThat(step(ppoDone, "ensemble").get("reusedFrom").asString()).isEqualTo(id);
    assertThat(ppoDone.get("steps")).hasSize(3);
    System.out.printf(
        "PIPELINE e2e: ugda gold %.3f (sft %.3f), ppo gold %.3f; accuracy %s%n",
        results.get("policy").get("all").get("mean").asDouble(),
        results.get("sft").get("all").get("mean").asDouble(),
        ppoDone.get("results").get("policy").get("all").get("mean").asDouble(),
        results.get("accuracy"));
  }

  /**
   * A {@code human} expert: the run reuses the first run's ensemble, PPO run and selection, then
   * waits while the queue holds its tasks (its progress says how many are left); a labeller key
   * labels them through the gateway, and the run goes on. Each label records the key's name.
   */
  @Test
  @Order(2)
  void aHumanExpertRunWaitsForTheQueueAndLabelsRecordTheKey() {
    Http.Response key = gateway.post("/api/keys", Map.of("name", "alice", "role", "labeller"));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    Http alice =
        new Http(standalone.urls().get("gateway").getPort())
            .withKey(key.json().get("token").asString());
    Http.Response created =
        gateway.post(
            "/api/runs", Map.of("method", "ugda", "preset", "tiny", "seed", 3, "expert", "human"));
    assertThat(created.status()).as(created.body()).isEqualTo(202);
    String id = created.json().get("id").asString();
    long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    String job = null;
    while (job == null) {
      JsonNode run = run(id);
      assertThat(run.get("state").asString()).as(run.toString()).isIn("QUEUED", "RUNNING");
      JsonNode relabel = step(run, "relabel");
      JsonNode p = relabel.get("progress");
      if (p != null && p.hasNonNull("awaitingHuman") && p.get("awaitingHuman").asInt() == 24) {
        assertThat(p.get("tasksLeft").asInt()).isEqualTo(24);
        job = relabel.get("outputs").get("relabelJobId").asString();
      }
      assertThat(System.nanoTime()).as("the human tasks did not appear").isLessThan(end);
      sleep(300);
    }
    assertThat(step(run(id), "ppo").get("reusedFrom").isNull()).isFalse();
    int labelled = 0;
    while (true) {
      Http.Response claim =
          alice.post(
              "/api/relabel/v1/relabel/tasks/claim", Map.of("labeller", "alice", "jobId", job));
      if (claim.status() == 204) {
        break;
      }
      assertThat(claim.status()).as(claim.body()).isEqualTo(200);
      JsonNode task = claim.json();
      Http.Response label =
          alice.post(
              "/api/relabel/v1/relabel/tasks/" + task.get("taskId").asString() + "/labels",
              Map.of(
                  "claimId",
                  task.get("claimId").asString(),
                  "labeller",
                  "alice",
                  "score",
                  1 + labelled % 5));
      assertThat(label.status()).as(label.body()).isEqualTo(201);
      labelled++;
    }
    assertThat(labelled).isEqualTo(24);
    JsonNode done = await(id, Duration.ofMinutes(10));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    JsonNode labels = gateway.get("/api/relabel/v1/relabel/jobs/" + job + "/labels").json();
    assertThat(labels).hasSize(24);
    labels.forEach(l -> assertThat(l.get("labeller").asString()).isEqualTo("alice"));
    assertThat(done.get("results").get("relabelled").asInt()).isEqualTo(24);
  }
}
