package org.ugda.policy.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.policy.PolicyServiceApplication;
import org.ugda.reward.RewardServiceApplication;
import org.ugda.testsupport.Http;
import org.ugda.testsupport.TestDatabase;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.WorldData;
import tools.jackson.databind.JsonNode;

/**
 * PPO runs end to end: a real reward-service (an ensemble trained on the tiny world) scores every
 * rollout over HTTP, policy-service logs them on a real PostgreSQL, writes checkpoints, and
 * survives reward-service going away and its own restart.
 */
class PpoRunsTest {
  private static final TestDatabase DB = TestDatabase.shared();
  private static Path root;
  private static int rewardPort;
  private static ConfigurableApplicationContext reward;
  private static ConfigurableApplicationContext policy;
  private static String ensemble;
  private static final Http POLICY = new Http(() -> port(policy));
  private static final Http REWARD = new Http(() -> rewardPort);

  @BeforeAll
  static void start() throws IOException {
    root = TinyWorld.build(Path.of("target", "test-world"));
    try (ServerSocket s = new ServerSocket(0)) {
      rewardPort = s.getLocalPort();
    }
    reward = startReward();
    policy = startPolicy();
    Http.Response created =
        REWARD.post("/v1/ensembles", Map.of("name", "ppo-proxy", "baseModel", "sft", "members", 2));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    ensemble = created.json().get("id").asString();
    List<Map<String, Object>> pairs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      pairs.add(
          Map.of(
              "prompt", "what is " + i + " plus 1 ?",
              "chosen", i + " plus 1 is " + (i + 1) + " .",
              "rejected", "no ."));
    }
    Http.Response train =
        REWARD.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of(
                "dataset", Map.of("pairs", pairs),
                "training", Map.of("epochs", 1, "batchSize", 8)));
    assertThat(train.status()).as(train.body()).isEqualTo(202);
    JsonNode done =
        REWARD.awaitState("/v1/jobs/" + train.json().get("id").asString(), Duration.ofMinutes(5));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
  }

  @AfterAll
  static void stop() {
    if (policy != null) {
      policy.close();
    }
    if (reward != null) {
      reward.close();
    }
  }

  private static ConfigurableApplicationContext startReward() {
    return RewardServiceApplication.application()
        .run(
            "--server.port=" + rewardPort,
            "--spring.datasource.url=" + DB.url(),
            "--spring.datasource.username=" + DB.username(),
            "--spring.datasource.password=" + DB.password(),
            "--ugda.reward.storage-root=" + root,
            "--ugda.device=cpu");
  }

  private static ConfigurableApplicationContext startPolicy() {
    return PolicyServiceApplication.application()
        .run(
            "--server.port=0",
            "--spring.datasource.url=" + DB.url(),
            "--spring.datasource.username=" + DB.username(),
            "--spring.datasource.password=" + DB.password(),
            "--ugda.policy.storage-root=" + root,
            "--ugda.policy.default-base-model=sft",
            "--ugda.policy.reward-retry.initial=100ms",
            "--ugda.policy.reward-retry.max=400ms",
            "--ugda.services.reward-url=http://localhost:" + rewardPort,
            "--ugda.device=cpu");
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  private static List<Map<String, Object>> prompts(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (WorldData.PromptItem p :
        WorldData.prompts(root.resolve("world").resolve(WorldFiles.PPO_PROMPTS))) {
      if (out.size() == n) {
        break;
      }
      out.add(Map.of("prompt", p.prompt(), "subtask", p.subtask()));
    }
    return out;
  }

  private static Map<String, Object> run(int prompts, int epochs) {
    return Map.of(
        "ensembleId",
        ensemble,
        "prompts",
        prompts(prompts),
        "settings",
        Map.of(
            "epochs",
            epochs,
            "batchSize",
            4,
            "minibatchSize",
            2,
            "ppoEpochs",
            2,
            "learningRate",
            1e-3,
            "sampling",
            Map.of("maxNewTokens", 8)));
  }

  private static String submit(Map<String, Object> body) {
    Http.Response r = POLICY.post("/v1/runs", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.header("Location")).endsWith("/v1/runs/" + r.json().get("id").asString());
    return r.json().get("id").asString();
  }

  private static JsonNode await(String run) {
    return POLICY.awaitState("/v1/runs/" + run, Duration.ofMinutes(8));
  }

  /** Every logged row of a run, from the JSONL export. */
  private static List<JsonNode> logged(String run) {
    Http.Response r = POLICY.get("/v1/runs/" + run + "/rollouts/export");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> rows = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        rows.add(Http.JSON.readTree(line));
      }
    }
    return rows;
  }

  /** Each (step, index) of a run once, every row with all its members' rewards. */
  private static void complete(String run, int steps, int batch, int members) {
    List<JsonNode> rows = logged(run);
    Set<String> seen = new HashSet<>();
    for (JsonNode row : rows) {
      assertThat(seen.add(row.get("step").asInt() + "/" + row.get("index").asInt()))
          .as("duplicate row " + row)
          .isTrue();
      assertThat(row.get("memberRewards").size()).isEqualTo(members);
      for (JsonNode m : row.get("memberRewards")) {
        assertThat(Double.isFinite(m.asDouble())).isTrue();
      }
    }
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < batch; i++) {
        assertThat(seen).as("missing step " + s + " index " + i).contains(s + "/" + i);
      }
    }
    assertThat(rows).hasSize(steps * batch);
  }

  @Test
  void aRunLogsEveryRolloutWithItsRewardsAndCheckpointsEachEpoch() {
    String run = submit(run(8, 2));
    JsonNode done = await(run);
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("finishedSteps").asInt()).isEqualTo(4);
    // pinned at submission: the latest version, the trained one
    int version = done.get("ensembleVersion").asInt();
    assertThat(version)
        .isEqualTo(REWARD.get("/v1/ensembles/" + ensemble).json().get("latestVersion").asInt());
    complete(run, 4, 4, 2);
    JsonNode rewards =
        POLICY
            .get("/v1/runs/" + run + "/rewards?ensemble=" + ensemble + "&version=" + version)
            .json();
    assertThat(rewards.get("members").size()).isEqualTo(2);
    assertThat(rewards.get("members").get(0).size()).isEqualTo(16);
    JsonNode steps = POLICY.get("/v1/runs/" + run + "/steps").json();
    assertThat(steps.size()).isEqualTo(4);
    for (JsonNode s : steps) {
      JsonNode m = s.get("metrics");
      for (String k :
          List.of("proxyMean", "kl", "pgLoss", "vfLoss", "samplesPerSecond", "goldMean")) {
        assertThat(m.has(k)).as(k + " in " + m).isTrue();
      }
    }
    JsonNode cps = POLICY.get("/v1/runs/" + run + "/checkpoints").json();
    assertThat(cps.size()).isEqualTo(2);
    // 2 steps per epoch x 2 PPO epochs x 2 minibatches
    assertThat(cps.get(0).get("adamStep").asLong()).isEqualTo(8);
    assertThat(cps.get(1).get("adamStep").asLong()).isEqualTo(16);
    assertThat(cps.get(0).get("meanLearningRate").asDouble())
        .isGreaterThan(cps.get(1).get("meanLearningRate").asDouble());
    Path dir = root.resolve(cps.get(1).get("path").asString());
    assertThat(dir.resolve("adapter/adapter_config.json")).exists();
    assertThat(dir.resolve("adapter/adapter_model.safetensors")).exists();
    assertThat(dir.resolve("value_head.safetensors")).exists();
    assertThat(dir.resolve("optimizer.safetensors")).exists();
    Http.Response gen =
        POLICY.post(
            "/v1/generate",
            Map.of(
                "prompts",
                List.of(prompts(1).get(0).get("prompt")),
                "runId",
                run,
                "epoch",
                2,
                "sampling",
                Map.of("maxNewTokens", 6, "temperature", 0)));
    assertThat(gen.status()).as(gen.body()).isEqualTo(200);
    assertThat(gen.json().get("items").get(0).get("tokenIds").size()).isBetween(1, 6);
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsStored() {
    long before = runs();
    Map<String, Object> unknownEnsemble = new HashMap<>(run(8, 1));
    unknownEnsemble.put("ensembleId", "00000000-0000-0000-0000-000000000001");
    Http.Response r = POLICY.post("/v1/runs", unknownEnsemble);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("is not an ensemble");
    Map<String, Object> badSampling = new HashMap<>(run(8, 1));
    badSampling.put("settings", Map.of("batchSize", 4, "sampling", Map.of("topP", 1.5)));
    r = POLICY.post("/v1/runs", badSampling);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("sampling.topP");
    Map<String, Object> tooFew = new HashMap<>(run(2, 1));
    r = POLICY.post("/v1/runs", tooFew);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("fewer than settings.batchSize");
    assertThat(runs()).as("no run row was written").isEqualTo(before);
    assertThat(POLICY.get("/v1/runs/00000000-0000-0000-0000-000000000002").status()).isEqualTo(404);
    assertThat(POLICY.get("/v1/runs/00000000-0000-0000-0000-000000000002/checkpoints").status())
        .isEqualTo(404);
    Http.Response gen =
        POLICY.post(
            "/v1/generate",
            Map.of("prompts", List.of("hi"), "sampling", Map.of("temperature", -1)));
    assertThat(gen.status()).as(gen.body()).isEqualTo(400);
  }

  @Test
  void aRunWaitsWhileRewardServiceIsDownAndLosesNothing() throws Exception {
    String run = submit(run(16, 1));
    awaitFinishedSteps(run, 1);
    reward.close();
    // the run keeps trying: it says so on its resource
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode v = POLICY.get("/v1/runs/" + run).json();
    while (System.nanoTime() < end && !v.get("progress").has("waitingForRewardsSeconds")) {
      Thread.sleep(100);
      v = POLICY.get("/v1/runs/" + run).json();
    }
    assertThat(v.get("state").asString()).isEqualTo("RUNNING");
    assertThat(v.get("progress").has("waitingForRewardsSeconds")).as(v.toString()).isTrue();
    Thread.sleep(1000);
    reward = startReward();
    JsonNode done = await(run);
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    complete(run, 4, 4, 2);
  }

  @Test
  void aPolicyRestartLeavesTheRunInterruptedAndResumable() throws Exception {
    String run = submit(run(16, 1));
    awaitFinishedSteps(run, 1);
    policy.close();
    policy = startPolicy();
    JsonNode v = POLICY.get("/v1/runs/" + run).json();
    assertThat(v.get("state").asString()).isEqualTo("INTERRUPTED");
    int finished = v.get("finishedSteps").asInt();
    assertThat(finished).isBetween(1, 3);
    assertThat(v.get("error").asString()).contains("/resume");
    Http.Response resumed = POLICY.post("/v1/runs/" + run + "/resume", "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
    JsonNode done = await(run);
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("finishedSteps").asInt()).isEqualTo(4);
    complete(run, 4, 4, 2);
    assertThat(POLICY.post("/v1/runs/" + run + "/resume", "").status()).isEqualTo(409);
  }

  private static long runs() {
    try (var c = DB.connect();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM policy.run")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitFinishedSteps(String run, int n) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < end) {
      JsonNode v = POLICY.get("/v1/runs/" + run).json();
      if (v.get("finishedSteps").asInt() >= n) {
        return;
      }
      assertThat(v.get("state").asString()).as(v.toString()).isIn("QUEUED", "RUNNING");
      Thread.sleep(100);
    }
    throw new AssertionError("run " + run + " did not finish " + n + " steps");
  }
}
