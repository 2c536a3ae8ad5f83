package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardApp;
import org.ugda.reward.support.StoredState;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;
import org.ugda.world.WorldFiles;

/**
 * What one request may cost is bounded by {@code ugda.reward.limits.*}: every setting that sizes
 * memory, disk or time past its limit is a 400 that names the limit and its key, before anything is
 * stored or run. The limits here are small so that cheap requests cross them; the LoRA rank keeps
 * its default (64), which a rank of 100,000 crosses.
 */
class RequestLimitsHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();
  static ConfigurableApplicationContext app;
  static Http http;
  static Path storage;
  static String ensemble;
  String before;

  @BeforeAll
  static void start() throws Exception {
    storage = TestWorld.root();
    app =
        RewardServiceApplication.application()
            .run(
                args(
                    "--ugda.reward.limits.max-members=4",
                    "--ugda.reward.limits.max-epochs=5",
                    "--ugda.reward.limits.max-training-batch-size=16",
                    "--ugda.reward.limits.max-accumulation=4",
                    "--ugda.reward.limits.max-dataset-pairs=100",
                    "--ugda.reward.limits.max-dataset-size=100KB",
                    "--ugda.reward.limits.max-eval-pairs=50",
                    "--ugda.reward.limits.max-labels=3",
                    "--ugda.reward.limits.max-log-size=5",
                    "--ugda.reward.limits.max-training-examples=1000"));
    http = RewardApp.http(app);
    ensemble = http.createEnsemble("limits", 4);
    Path adapter = Files.createDirectories(storage.resolve("limits-test").resolve("rank-100"));
    Files.writeString(
        adapter.resolve("adapter_config.json"),
        "{\"peft_type\": \"LORA\", \"task_type\": \"SEQ_CLS\", \"r\": 100, \"lora_alpha\": 16,"
            + " \"target_modules\": [\"q_proj\"], \"modules_to_save\": [\"score\"]}");
  }

  static String[] args(String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.datasource.url=" + DB.url(),
                "--spring.datasource.username=" + DB.username(),
                "--spring.datasource.password=" + DB.password(),
                "--ugda.reward.storage-root=" + storage,
                "--ugda.device=cpu"));
    all.addAll(List.of(extra));
    return all.toArray(String[]::new);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void snapshot() throws Exception {
    before = StoredState.of(DB, storage);
  }

  /** A 400 that names what was asked, the limit and its key; nothing stored. */
  void refused(Http.Response r, String... phrases) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).contains(phrases);
    assertThat(StoredState.of(DB, storage)).as("stored state is unchanged").isEqualTo(before);
  }

  @Test
  void shouldRefuseALoraRankPastTheDefaultLimit() throws Exception {
    refused(
        http.post(
            "/v1/ensembles",
            Map.of("name", "huge", "baseModel", "sft", "lora", Map.of("rank", 100_000))),
        "lora.rank is 100000",
        "at most 64",
        "ugda.reward.limits.max-lora-rank");
  }

  @Test
  void shouldRefuseMoreMembersThanTheLimitWhenCreatingOrImporting() throws Exception {
    refused(
        http.post("/v1/ensembles", Map.of("name", "many", "baseModel", "sft", "members", 5)),
        "members is 5",
        "at most 4",
        "ugda.reward.limits.max-members");
    refused(
        http.post(
            "/v1/ensembles/import",
            Map.of(
                "name", "many", "baseModel", "sft", "adapters", List.of("a", "b", "c", "d", "e"))),
        "the number of adapters (members) is 5",
        "ugda.reward.limits.max-members");
  }

  @Test
  void shouldRefuseToImportAnAdapterWhoseRankIsPastTheLimit() throws Exception {
    refused(
        http.post(
            "/v1/ensembles/import",
            Map.of(
                "name", "wide", "baseModel", "sft", "adapters", List.of("limits-test/rank-100"))),
        "adapters[0]'s rank r is 100",
        "ugda.reward.limits.max-lora-rank");
  }

  @Test
  void shouldRefuseTrainingSettingsPastTheirLimits() throws Exception {
    String train = "/v1/ensembles/" + ensemble + "/train";
    Map<String, Object> dataset = Map.of("pairs", pairs(10));
    refused(
        http.post(train, Map.of("dataset", dataset, "training", Map.of("epochs", 6))),
        "training.epochs is 6",
        "ugda.reward.limits.max-epochs");
    refused(
        http.post(train, Map.of("dataset", dataset, "training", Map.of("batchSize", 17))),
        "training.batchSize is 17",
        "ugda.reward.limits.max-training-batch-size");
    refused(
        http.post(train, Map.of("dataset", dataset, "training", Map.of("accumulation", 5))),
        "training.accumulation is 5",
        "ugda.reward.limits.max-accumulation");
    refused(
        http.post(
            "/v1/ensembles/" + ensemble + "/refine",
            Map.of(
                "labels",
                List.of(label(3)),
                "logRewards",
                logRewards(2),
                "training",
                Map.of("epochs", 6))),
        "training.epochs is 6",
        "ugda.reward.limits.max-epochs");
  }

  @Test
  void shouldRefuseADatasetWithMorePairsOrBytesThanTheLimits() throws Exception {
    String train = "/v1/ensembles/" + ensemble + "/train";
    refused(
        http.post(train, Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TEST))),
        "the number of pairs in the dataset is 200",
        "at most 100",
        "ugda.reward.limits.max-dataset-pairs");
    refused(
        http.post(train, Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TRAIN))),
        "dataset.path 'world/" + WorldFiles.PAIRS_TRAIN + "' has ",
        "at most 102400 bytes (ugda.reward.limits.max-dataset-size)");
    refused(
        http.postMultipart(
            "/v1/datasets",
            "test.jsonl",
            Files.readAllBytes(storage.resolve("world").resolve(WorldFiles.PAIRS_TEST))),
        "the number of pairs in the upload is 200",
        "ugda.reward.limits.max-dataset-pairs");
    refused(
        http.postMultipart(
            "/v1/datasets",
            "train.jsonl",
            Files.readAllBytes(storage.resolve("world").resolve(WorldFiles.PAIRS_TRAIN))),
        "the upload has ",
        "ugda.reward.limits.max-dataset-size");
  }

  @Test
  void shouldRefuseAJobThatWouldTrainMoreExamplesThanTheLimit() throws Exception {
    refused(
        http.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of("dataset", Map.of("pairs", pairs(60)), "training", Map.of("epochs", 5))),
        "the job's training examples (60 pairs x 5 epochs x 4 members) is 1200",
        "at most 1000",
        "ugda.reward.limits.max-training-examples");
  }

  @Test
  void shouldRefuseAnEvaluationOfMorePairsThanTheLimit() throws Exception {
    refused(
        http.post(
            "/v1/ensembles/" + ensemble + "/evaluate",
            Map.of("dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TEST))),
        "the number of pairs in the dataset is 200",
        "ugda.reward.limits.max-eval-pairs");
  }

  @Test
  void shouldRefuseMoreLabelsOrALargerLogThanTheLimits() throws Exception {
    String refine = "/v1/ensembles/" + ensemble + "/refine";
    refused(
        http.post(
            refine,
            Map.of(
                "labels",
                List.of(label(1), label(2), label(3), label(4)),
                "logRewards",
                logRewards(2))),
        "the number of labels is 4",
        "ugda.reward.limits.max-labels");
    refused(
        http.post(refine, Map.of("labels", List.of(label(3)), "logRewards", logRewards(6))),
        "the number of rewards in logRewards[0] is 6",
        "ugda.reward.limits.max-log-size");
    List<Map<String, Object>> samples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      samples.add(Map.of("prompt", "what is 1 plus " + i + " ?", "response", "i do not know ."));
    }
    refused(
        http.post(refine, Map.of("labels", List.of(label(3)), "logSamples", samples)),
        "the number of logSamples is 6",
        "ugda.reward.limits.max-log-size");
  }

  /** Labels and log samples are texts the job tokenizes: bounded as a score item's are (413). */
  @Test
  void shouldRefuseRefineTextsLongerThanTheTextLimitWith413() throws Exception {
    Map<String, Object> longLabel = new LinkedHashMap<>(label(3));
    longLabel.put("response", "x".repeat(20_001));

    Http.Response r =
        http.post(
            "/v1/ensembles/" + ensemble + "/refine",
            Map.of("labels", List.of(longLabel), "logRewards", logRewards(2)));

    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(r.json().get("detail").asString())
        .contains("labels[0] has a text longer than 20000 characters")
        .contains("ugda.reward.limits.max-text-chars");
    assertThat(StoredState.of(DB, storage)).as("stored state is unchanged").isEqualTo(before);
  }

  /** A limit past the API's own bound, or a training default past a limit, stops the start. */
  @Test
  void shouldRefuseToStartWithLimitsThatCannotHold() {
    assertThatThrownBy(
            () ->
                RewardServiceApplication.application()
                    .run(args("--ugda.reward.limits.max-members=17")))
        .rootCause()
        .hasMessageContaining("ugda.reward.limits.max-members must be 1..16");
    assertThatThrownBy(
            () ->
                RewardServiceApplication.application()
                    .run(args("--ugda.reward.limits.max-epochs=1")))
        .rootCause()
        .hasMessageContaining("ugda.reward.training.epochs is 2")
        .hasMessageContaining("ugda.reward.limits.max-epochs");
  }

  static List<Map<String, Object>> pairs(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Map.of(
              "prompt",
              "what is " + i + " plus 1 ?",
              "chosen",
              i + " plus 1 is " + (i + 1) + " .",
              "rejected",
              "i hope this helps ."));
    }
    return out;
  }

  static Map<String, Object> label(int label) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("prompt", "what is 1 plus 1 ?");
    m.put("response", "1 plus 1 is 2 .");
    m.put("label", label);
    return m;
  }

  static List<List<Double>> logRewards(int size) {
    List<List<Double>> members = new ArrayList<>();
    for (int m = 0; m < 4; m++) {
      List<Double> rewards = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        rewards.add(0.1 * i - m);
      }
      members.add(rewards);
    }
    return members;
  }
}
