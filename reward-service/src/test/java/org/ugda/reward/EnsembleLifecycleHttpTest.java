package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardApp;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.data.WorldData;
import org.ugda.world.expert.SimulatedExpert;
import tools.jackson.databind.JsonNode;

/**
 * The whole life of an ensemble on the benchmark world's SFT model, over real HTTP and a real
 * PostgreSQL: create, train (Eq. 1), evaluate, score with variance, refine (Eq. 13-14) into a new
 * version while the old one serves, then restart the service and find everything still there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleLifecycleHttpTest {

  static final TestDatabase DB = TestDatabase.fresh();
  static Path storage;
  static ConfigurableApplicationContext app;
  static Http http;
  static String ensemble;
  static String heads;
  static List<Double> v2Rewards;

  static void start() {
    storage = TestWorld.root();
    // command-line arguments: they win over reward-service.yml (builder properties would not)
    app = RewardApp.start(DB, storage);
    http = RewardApp.http(app);
  }

  static JsonNode ok(Http.Response r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    return r.json();
  }

  static Map<String, Object> training(int epochs) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("epochs", epochs);
    t.put("batchSize", 16);
    t.put("learningRate", 3e-3);
    t.put("floorLearningRate", 3e-4);
    return t;
  }

  @Test
  @Order(1)
  void shouldTrainEveryMemberAboveChanceOnTheWorldsPairs() {
    start();
    JsonNode e =
        ok(
            http.post(
                "/v1/ensembles",
                Map.of(
                    "name",
                    "world-lora",
                    "baseModel",
                    "sft",
                    "mode",
                    "lora",
                    "members",
                    3,
                    "lora",
                    Map.of("rank", 8, "alpha", 16, "targets", List.of("q_proj", "v_proj")),
                    "seed",
                    7)),
            201);
    ensemble = e.get("id").asString();
    assertThat(e.get("latestVersion").asInt()).isEqualTo(1);

    String train = "/v1/ensembles/" + ensemble + "/train";
    String trainBody = Http.JSON.writeValueAsString(JobBodies.trainOnWorldPairs(training(3)));
    JsonNode job = ok(http.post(train, trainBody, "train-1"), 202);
    JsonNode again = ok(http.post(train, trainBody, "train-1"), 202);
    assertThat(again.get("id").asString())
        .as("a retried POST returns the same job")
        .isEqualTo(job.get("id").asString());
    JsonNode done = http.awaitJob(job.get("id").asString(), Duration.ofMinutes(5));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("result").get("version").asInt()).isEqualTo(2);
    for (JsonNode m : done.get("result").get("members")) {
      assertThat(m.get("finalLoss").asDouble()).isLessThan(m.get("firstLoss").asDouble());
      assertThat(m.get("movement").get("l2").asDouble()).isPositive();
    }

    JsonNode acc =
        ok(
            http.post(
                "/v1/ensembles/" + ensemble + "/evaluate",
                Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TEST))),
            200);
    System.out.println(
        "test accuracy after training: members "
            + acc.get("memberAccuracy")
            + ", mean "
            + acc.get("meanAccuracy")
            + ", subsets "
            + acc.get("subsets"));
    for (JsonNode a : acc.get("memberAccuracy")) {
      assertThat(a.asDouble()).isGreaterThan(0.65);
    }
    assertThat(acc.get("subsets").has("helpful")).isTrue();
    JsonNode before =
        ok(
            http.post(
                "/v1/ensembles/" + ensemble + "/evaluate",
                Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TEST), "version", 1)),
            200);
    assertThat(acc.get("meanAccuracy").asDouble())
        .isGreaterThan(before.get("meanAccuracy").asDouble());
  }

  @Test
  @Order(2)
  void shouldDisagreeOffDistribution() {
    List<Map<String, Object>> items =
        List.of(
            Map.of(
                "prompt",
                "what is 9 plus 3 ?",
                "response",
                "i hope this helps . i hope this helps . i hope this helps ."),
            Map.of(
                "prompt",
                "list two tools .",
                "response",
                "cow sheep frog kiwi rake rake rake rake ."),
            Map.of(
                "prompt", "help me rob my boss .", "response", "red blue green 7 7 7 ? ? the the"));
    JsonNode s = ok(http.post("/v1/ensembles/" + ensemble + "/score", Map.of("items", items)), 200);
    assertThat(s.get("version").asInt()).isEqualTo(2);
    double total = 0;
    for (JsonNode it : s.get("items")) {
      assertThat(it.get("members").size()).isEqualTo(3);
      total += it.get("variance").asDouble();
    }
    assertThat(total).as("members disagree off-distribution").isGreaterThan(0);
  }

  @Test
  @Order(3)
  void shouldRefineIntoANewVersionWhileTheOldOneServes() {
    List<WorldData.PromptItem> prompts =
        WorldData.prompts(storage.resolve("world").resolve(WorldFiles.EVAL_PROMPTS));
    List<PreferencePair> pairs =
        PreferenceFiles.readHh(storage.resolve("world").resolve(WorldFiles.PAIRS_TEST));
    SimulatedExpert expert = new SimulatedExpert(5, SimulatedExpert.DEFAULT_AGREEMENT);
    List<Map<String, Object>> labels = new ArrayList<>();
    List<Map<String, Object>> log = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      PreferencePair p = pairs.get(i);
      String resp = i % 2 == 0 ? p.chosen() : p.rejected();
      labels.add(
          Map.of(
              "prompt",
              p.prompt(),
              "response",
              resp,
              "label",
              expert.label(p.prompt(), resp).getAsInt()));
      log.add(Map.of("prompt", p.prompt(), "response", resp));
    }
    for (WorldData.PromptItem pi : prompts) {
      log.add(Map.of("prompt", pi.prompt(), "response", pi.best()));
    }
    Map<String, Object> item =
        Map.of("prompt", pairs.get(0).prompt(), "response", pairs.get(0).chosen());
    v2Rewards = new ArrayList<>();
    ok(http.post("/v1/ensembles/" + ensemble + "/score", Map.of("items", List.of(item))), 200)
        .get("items")
        .get(0)
        .get("members")
        .forEach(n -> v2Rewards.add(n.asDouble()));

    JsonNode job =
        ok(
            http.post(
                "/v1/ensembles/" + ensemble + "/refine",
                Map.of(
                    "labels",
                    labels,
                    "logSamples",
                    log,
                    "sigma",
                    0.1,
                    "seed",
                    3,
                    "training",
                    training(4))),
            202);
    JsonNode done = http.awaitJob(job.get("id").asString(), Duration.ofMinutes(5));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("result").get("version").asInt()).isEqualTo(3);
    for (JsonNode m : done.get("result").get("members")) {
      System.out.println(
          "refine: MSE "
              + m.get("mseBefore")
              + " -> "
              + m.get("mseAfter")
              + ", moved "
              + m.get("movement"));
      assertThat(m.get("mseAfter").asDouble()).isLessThan(m.get("mseBefore").asDouble());
      assertThat(m.get("movement").get("l2").asDouble()).isPositive();
    }
    JsonNode latest =
        ok(http.post("/v1/ensembles/" + ensemble + "/score", Map.of("items", List.of(item))), 200);
    assertThat(latest.get("version").asInt()).isEqualTo(3);
    JsonNode pinned =
        ok(
            http.post(
                "/v1/ensembles/" + ensemble + "/score",
                Map.of("items", List.of(item), "version", 2)),
            200);
    assertThat(pinned.get("version").asInt()).isEqualTo(2);
    List<Double> again = new ArrayList<>();
    pinned.get("items").get(0).get("members").forEach(n -> again.add(n.asDouble()));
    assertThat(again).as("version 2 still serves, unchanged").isEqualTo(v2Rewards);
  }

  @Test
  @Order(4)
  void shouldTrainAHeadsModeEnsembleInOnePass() {
    JsonNode e =
        ok(
            http.post(
                "/v1/ensembles",
                Map.of(
                    "name",
                    "world-heads",
                    "baseModel",
                    "sft",
                    "mode",
                    "heads",
                    "members",
                    3,
                    "seed",
                    1)),
            201);
    heads = e.get("id").asString();
    JsonNode job =
        ok(
            http.post(
                "/v1/ensembles/" + heads + "/train", JobBodies.trainOnWorldPairs(training(2))),
            202);
    JsonNode done = http.awaitJob(job.get("id").asString(), Duration.ofMinutes(5));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    JsonNode acc =
        ok(
            http.post(
                "/v1/ensembles/" + heads + "/evaluate",
                Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TEST))),
            200);
    System.out.println(
        "heads-mode test accuracy: "
            + acc.get("memberAccuracy")
            + ", mean "
            + acc.get("meanAccuracy"));
    assertThat(acc.get("meanAccuracy").asDouble()).isGreaterThan(0.6);
    Map<String, Object> one =
        Map.of(
            "prompt", "what is 2 plus 2 ?", "response", "thank you for asking . 2 plus 2 is 5 .");
    JsonNode s =
        ok(http.post("/v1/ensembles/" + heads + "/score", Map.of("items", List.of(one))), 200);
    assertThat(s.get("items").get(0).get("members").size()).isEqualTo(3);
  }

  @Test
  @Order(5)
  void shouldExportAVersionThatLoadsAsPeftAdapters() throws Exception {
    Http.Response zip = http.get("/v1/ensembles/" + ensemble + "/versions/3/export");
    assertThat(zip.status()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    Path out = Files.createTempDirectory("export");
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip.bytes()))) {
      for (var en = z.getNextEntry(); en != null; en = z.getNextEntry()) {
        names.add(en.getName());
        Path f = out.resolve(en.getName());
        Files.createDirectories(f.getParent());
        Files.write(f, z.readAllBytes());
      }
    }
    assertThat(names)
        .contains(
            "member-0/adapter_config.json", "member-2/adapter_model.safetensors", "manifest.json");
    var cfg = ModelConfig.load(storage.resolve("sft"));
    var loaded = PeftAdapters.read(out.resolve("member-1"), cfg);
    assertThat(loaded.taskType()).isEqualTo("SEQ_CLS");
    assertThat(loaded.config().headModule()).isEqualTo("score");
  }

  @Test
  @Order(6)
  void shouldKeepEveryVersionAcrossARestart() {
    Http.Response metrics = http.get("/actuator/prometheus");
    assertThat(metrics.body())
        .contains("ugda_reward_batch_items")
        .contains("ugda_reward_latency_seconds_bucket")
        .contains("ugda_reward_member_score");
    app.close();
    start();
    JsonNode versions = ok(http.get("/v1/ensembles/" + ensemble + "/versions"), 200);
    assertThat(versions.size()).isEqualTo(3);
    assertThat(versions.get(2).get("kind").asString()).isEqualTo("refine");
    Map<String, Object> item =
        Map.of(
            "prompt",
            PreferenceFiles.readHh(storage.resolve("world").resolve(WorldFiles.PAIRS_TEST))
                .get(0)
                .prompt(),
            "response",
            PreferenceFiles.readHh(storage.resolve("world").resolve(WorldFiles.PAIRS_TEST))
                .get(0)
                .chosen());
    JsonNode pinned =
        ok(
            http.post(
                "/v1/ensembles/" + ensemble + "/score",
                Map.of("items", List.of(item), "version", 2)),
            200);
    List<Double> again = new ArrayList<>();
    pinned.get("items").get(0).get("members").forEach(n -> again.add(n.asDouble()));
    assertThat(again).isEqualTo(v2Rewards);
    ok(http.get("/v1/ensembles/" + heads), 200);
    app.close();
  }
}
