package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
import tools.jackson.databind.JsonNode;

/**
 * Malformed, oversized and hostile input: each gets a problem+json error that says what to fix, and
 * none changes what is stored (rows of every reward table and files under the storage root are
 * compared before and after).
 */
class BadInputHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();
  static ConfigurableApplicationContext app;
  static Http http;
  static String ensemble;
  static Path storage;
  String before;

  @BeforeAll
  static void start() {
    storage = TestWorld.root();
    app =
        RewardApp.start(
            DB,
            storage,
            "--ugda.reward.limits.max-items=8",
            "--ugda.reward.limits.max-tokens=24",
            "--ugda.reward.limits.max-text-chars=2000");
    http = RewardApp.http(app);
    ensemble = http.createEnsemble("bad-input", 2);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void snapshot() throws Exception {
    before = state();
  }

  /** Every row of every reward table, and every file under the storage root with its size. */
  static String state() throws Exception {
    return StoredState.of(DB, storage);
  }

  void assertUnchanged() throws Exception {
    assertThat(state()).as("stored state is unchanged").isEqualTo(before);
  }

  static JsonNode problem(Http.Response r, int status, String... phrases) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    for (String phrase : phrases) {
      assertThat(p.get("detail").asString()).contains(phrase);
    }
    return p;
  }

  static Map<String, Object> item(String response) {
    return Map.of("prompt", "what is 1 plus 1 ?", "response", response);
  }

  @Test
  void shouldRefuseAnEmptyBatch() throws Exception {
    problem(
        http.post("/v1/ensembles/" + ensemble + "/score", Map.of("items", List.of())),
        400,
        "at least one");
    problem(http.post("/v1/ensembles/" + ensemble + "/score", Map.of()), 400, "at least one");
    assertUnchanged();
  }

  @Test
  void shouldRefuseABatchOverTheConfiguredMaximumWith413() throws Exception {
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      items.add(item("1 plus 1 is 2 ."));
    }
    problem(
        http.post("/v1/ensembles/" + ensemble + "/score", Map.of("items", items)),
        413,
        "at most 8",
        "split");
    assertUnchanged();
  }

  @Test
  void shouldTruncateTextOverTheTokenLimitAndSaySo() throws Exception {
    String longResponse = "i hope this helps . ".repeat(20) + "1 plus 1 is 2 .";
    JsonNode s =
        http.post(
                "/v1/ensembles/" + ensemble + "/score",
                Map.of("items", List.of(item(longResponse), item("1 plus 1 is 2 ."))))
            .json();
    JsonNode cut = s.get("items").get(0);
    assertThat(cut.get("truncated").asBoolean()).isTrue();
    assertThat(cut.get("tokens").asInt()).isEqualTo(24);
    assertThat(cut.get("droppedTokens").asInt()).isPositive();
    assertThat(s.get("items").get(1).get("truncated").asBoolean()).isFalse();
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/score",
            Map.of("items", List.of(item("x ".repeat(1500))))),
        413,
        "2000 characters");
    assertUnchanged();
  }

  /** The configured max-tokens (24 here) is the limit where it is below the model's positions. */
  @Test
  void shouldSayWhichTokenLimitApplied() throws Exception {
    JsonNode s =
        http.post(
                "/v1/ensembles/" + ensemble + "/score",
                Map.of("items", List.of(item("i hope this helps . ".repeat(20)))))
            .json();
    assertThat(s.get("items").get(0).get("maxTokens").asInt()).isEqualTo(24);
    assertThat(s.get("items").get(0).get("tokens").asInt()).isEqualTo(24);
    assertUnchanged();
  }

  @Test
  void shouldAnswer404ForUnknownEnsembleOrVersion() throws Exception {
    problem(
        http.post(
            "/v1/ensembles/00000000-0000-0000-0000-000000000000/score",
            Map.of("items", List.of(item("a .")))),
        404,
        "no ensemble");
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/score",
            Map.of("items", List.of(item("a .")), "version", 42)),
        404,
        "no version 42");
    problem(http.get("/v1/jobs/00000000-0000-0000-0000-000000000001"), 404, "no job");
    problem(http.get("/v1/ensembles/not-a-uuid"), 400, "UUID");
    assertUnchanged();
  }

  @Test
  void shouldRefuseLabelsOutsideOneToFive() throws Exception {
    for (int bad : new int[] {0, 6, -3}) {
      problem(
          http.post(
              "/v1/ensembles/" + ensemble + "/refine",
              Map.of(
                  "labels",
                  List.of(Map.of("prompt", "what is 1 plus 1 ?", "response", "2 .", "label", bad)),
                  "logRewards",
                  List.of(List.of(0.1, 0.2), List.of(0.3, 0.4)))),
          400,
          "integers 1..5");
    }
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/refine",
            Map.of(
                "labels",
                List.of(Map.of("prompt", "p", "response", "r", "label", 3)),
                "logRewards",
                List.of(List.of(0.1)))),
        400,
        "one list per member");
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/refine",
            Map.of("labels", List.of(Map.of("prompt", "p", "response", "r", "label", 3)))),
        400,
        "exactly one of logRewards");
    assertUnchanged();
  }

  /**
   * A label of 2.5 is not silently cut to 2, and a label that is no number is no label: each is a
   * 400 that names the field, with no job row and no version made.
   */
  @Test
  void shouldRefuseFractionalAndNonNumericLabels() throws Exception {
    String refine = "/v1/ensembles/" + ensemble + "/refine";
    String log = "\"logRewards\": [[0.1, 0.2], [0.3, 0.4]]";
    for (String label : List.of("2.5", "4.999", "\"three\"", "true", "[3]", "{\"value\": 3}")) {
      String body =
          "{\"labels\": [{\"prompt\": \"p\", \"response\": \"r\", \"label\": "
              + label
              + "}], "
              + log
              + "}";
      Http.Response r = http.post(refine, body, null);
      problem(r, 400);
      assertThat(r.json().get("detail").asString()).as(label).contains("label");
    }
    assertUnchanged();
  }

  @Test
  void shouldRefuseMalformedJson() throws Exception {
    problem(
        http.post("/v1/ensembles/" + ensemble + "/score", "{\"items\": [", null),
        400,
        "not valid JSON");
    problem(
        http.post("/v1/ensembles/" + ensemble + "/score", "{\"items\": \"lots\"}", null),
        400,
        "not valid JSON");
    problem(
        http.post("/v1/ensembles/" + ensemble + "/train", "[1,2]", null), 400, "not valid JSON");
    problem(http.post("/v1/ensembles", "{\"name\": }", null), 400, "not valid JSON");
    assertUnchanged();
  }

  @Test
  void shouldRefuseHostilePathsAndNames() throws Exception {
    problem(
        http.post("/v1/ensembles", Map.of("name", "evil", "baseModel", "../../../etc")),
        400,
        "outside the storage root");
    problem(
        http.post("/v1/ensembles", Map.of("name", "evil", "baseModel", "/etc")),
        400,
        "outside the storage root");
    problem(
        http.post("/v1/ensembles", Map.of("name", "../evil", "baseModel", "sft")),
        400,
        "name must be");
    problem(
        http.post("/v1/ensembles", Map.of("name", "bad-input", "baseModel", "sft")),
        409,
        "already exists");
    problem(
        http.post("/v1/ensembles", Map.of("name", "x", "baseModel", "sft", "members", 99)),
        400,
        "members must be 1..16");
    problem(
        http.post("/v1/ensembles", Map.of("name", "x", "baseModel", "sft", "mode", "forest")),
        400,
        "mode must be");
    problem(
        http.post("/v1/ensembles", Map.of("name", "x", "baseModel", "world")),
        400,
        "not a Hugging Face checkpoint");
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of("dataset", Map.of("path", "/etc/passwd"))),
        400,
        "outside the storage root");
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of(
                "dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TRAIN, "pairs", List.of()))),
        400,
        "exactly one of id, path and pairs");
    assertUnchanged();
  }

  /**
   * No baseModel, and the default base ({@code models/world-sft} under the storage root) was never
   * made: a 400 that gives the commands that make it, not a 500.
   */
  @Test
  void shouldSayHowToMakeTheDefaultBaseModelWhenARequestNamesNone() throws Exception {
    problem(
        http.post("/v1/ensembles", Map.of("name", "no-base", "members", 2)),
        400,
        "baseModel is not given",
        "ugda.reward.default-base-model",
        "./ugda world generate --out <storage-root>/world",
        "./ugda world train-sft --data <storage-root>/world --out <storage-root>/models/world-sft");
    problem(
        http.post("/v1/ensembles/import", Map.of("name", "no-base", "adapters", List.of("a"))),
        400,
        "ugda.reward.default-base-model");
    assertUnchanged();
  }

  /**
   * A 5 MB name, base model or path: a 400 whose body is short (no input of any size is echoed),
   * and nothing stored.
   */
  @Test
  void shouldRefuseFiveMegabyteNamesAndPathsWithAShortBody() throws Exception {
    String huge = "a".repeat(5 << 20);
    String train = "/v1/ensembles/" + ensemble + "/train";
    List<Http.Response> responses =
        List.of(
            http.post("/v1/ensembles", Map.of("name", huge, "baseModel", "sft")),
            http.post("/v1/ensembles", Map.of("name", "huge-base", "baseModel", huge)),
            http.post(
                "/v1/ensembles/import",
                Map.of("name", "huge-adapter", "baseModel", "sft", "adapters", List.of(huge))),
            http.post(train, Map.of("dataset", Map.of("path", huge))),
            http.post(
                "/v1/ensembles/" + ensemble + "/evaluate",
                Map.of("dataset", Map.of("path", huge))));
    for (Http.Response r : responses) {
      problem(r, 400);
      assertThat(r.body().length()).as(r.body()).isLessThan(2000);
      assertThat(r.json().get("detail").asString()).contains("5242880 characters");
    }
    assertUnchanged();
  }

  /** A dataset name is at most 200 characters: a longer one is refused, not stored. */
  @Test
  void shouldRefuseADatasetNameOfMoreThan200Characters() throws Exception {
    byte[] body = "{\"prompt\": \"p\", \"chosen\": \"a .\", \"rejected\": \"b .\"}\n".getBytes();
    Http.Response r = http.postMultipart("/v1/datasets?name=" + "n".repeat(300), "ok.jsonl", body);
    problem(r, 400, "name has 300 characters; a dataset name has at most 200");
    assertUnchanged();
  }

  /**
   * Errors about paths name them as the caller gave them or relative to the storage root, never by
   * the server's absolute directories: neither the storage root nor anything above it appears.
   */
  @Test
  void shouldNeverShowAnAbsoluteServerPathInAnError() throws Exception {
    String train = "/v1/ensembles/" + ensemble + "/train";
    byte[] malformed = "{\"chosen\": 7}\n".getBytes();
    Map<Http.Response, String> cases = new LinkedHashMap<>();
    cases.put(
        http.post("/v1/ensembles", Map.of("name", "evil", "baseModel", "../../../etc")),
        "'../../../etc' lies outside the storage root");
    cases.put(
        http.post("/v1/ensembles", Map.of("name", "missing", "baseModel", "no-such-model")),
        "'no-such-model' does not exist under the storage root");
    cases.put(
        http.post(
            "/v1/ensembles/import",
            Map.of("name", "not-adapters", "baseModel", "sft", "adapters", List.of("world"))),
        "world");
    cases.put(http.postMultipart("/v1/datasets", "bad.jsonl", malformed), "bad.jsonl:1:");
    cases.put(
        http.post(train, Map.of("dataset", Map.of("path", "world/" + WorldFiles.TOKENIZER))),
        "world/" + WorldFiles.TOKENIZER + ":1");
    cases.put(
        http.post(train, Map.of("dataset", Map.of("path", "world"))), "'world' is not a file");
    String here = Path.of("").toAbsolutePath().toString();
    for (var c : cases.entrySet()) {
      Http.Response r = c.getKey();
      problem(r, 400, c.getValue());
      assertThat(r.body())
          .as("no absolute server path")
          .doesNotContain(storage.toString())
          .doesNotContain(here);
    }
    assertUnchanged();
  }

  /**
   * A dataset path that names a file which is no dataset (another service's configuration, a
   * secret): the error says which line and what was wrong, but never quotes what the file holds.
   */
  @Test
  void shouldNeverQuoteTheContentOfAFileNamedAsADatasetPath() throws Exception {
    Path dir = Files.createDirectories(storage.resolve("quote-test"));
    Files.writeString(
        dir.resolve("pg_hba.conf"),
        "# PostgreSQL Client Authentication Configuration File\nlocal all all trust\n");
    Files.writeString(
        dir.resolve("secret.jsonl"), "{\"chosen\": 31415926535, \"rejected\": \"token-abcdef\"}\n");
    Files.writeString(dir.resolve("half.jsonl"), "{\"api-key-xyz\": \n");
    String train = "/v1/ensembles/" + ensemble + "/train";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("quote-test/pg_hba.conf", ":1: each line must be a JSON object");
    cases.put("quote-test/secret.jsonl", ":1: field \"chosen\": must be a string");
    cases.put("quote-test/half.jsonl", ":1: malformed JSON");
    for (var c : cases.entrySet()) {
      Http.Response r = http.post(train, Map.of("dataset", Map.of("path", c.getKey())));
      problem(r, 400, c.getKey() + c.getValue(), "not quoted");
      assertThat(r.body())
          .doesNotContain("PostgreSQL")
          .doesNotContain("Client Authentication")
          .doesNotContain("31415926535")
          .doesNotContain("token-abcdef")
          .doesNotContain("api-key-xyz");
      problem(
          http.post(
              "/v1/ensembles/" + ensemble + "/evaluate",
              Map.of("dataset", Map.of("path", c.getKey()))),
          400,
          c.getValue());
    }
    assertUnchanged();
  }

  /** An upload's error may quote the caller's own bytes, but only a bounded part of them. */
  @Test
  void shouldQuoteAnUploadsOwnLineOnlyInPart() throws Exception {
    String line = "# my notes " + "x".repeat(10_000);
    Http.Response r = http.postMultipart("/v1/datasets", "notes.jsonl", (line + "\n").getBytes());
    problem(r, 400, "notes.jsonl:1: each line must be a JSON object, got # my notes");
    assertThat(r.body().length()).as(r.body()).isLessThan(1000);
    assertUnchanged();
  }

  /** Each request record refuses what it can judge alone, in its own words; nothing is stored. */
  @Test
  void shouldRefuseEachMalformedRequestRecordWith400AndItsSentence() throws Exception {
    String score = "/v1/ensembles/" + ensemble + "/score";
    String train = "/v1/ensembles/" + ensemble + "/train";
    String refine = "/v1/ensembles/" + ensemble + "/refine";
    String evaluate = "/v1/ensembles/" + ensemble + "/evaluate";
    String pairs = "{\"path\": \"world/" + WorldFiles.PAIRS_TRAIN + "\"}";
    String label = "{\"prompt\": \"p\", \"response\": \"r\", \"label\": 3}";
    String log = "\"logRewards\": [[0.1, 0.2], [0.3, 0.4]]";
    Map<String, String[]> cases = new LinkedHashMap<>();
    // CreateEnsemble, LoraSpec
    cases.put(
        "{\"name\": \"x\", \"baseModel\": \" \"}",
        new String[] {"/v1/ensembles", "baseModel is required"});
    cases.put(
        "{\"name\": \"x\", \"baseModel\": \"sft\", \"lora\": {\"rank\": 0}}",
        new String[] {"/v1/ensembles", "lora.rank must be a positive integer"});
    cases.put(
        "{\"name\": \"x\", \"baseModel\": \"sft\", \"lora\": {\"targets\": []}}",
        new String[] {"/v1/ensembles", "lora.targets must name at least one module"});
    // ImportEnsemble
    cases.put(
        "{\"name\": \"x\", \"baseModel\": \"sft\", \"adapters\": []}",
        new String[] {"/v1/ensembles/import", "adapters must list one PEFT adapter directory"});
    cases.put(
        "{\"name\": \"x\", \"baseModel\": \"sft\", \"adapters\": [\"\"]}",
        new String[] {"/v1/ensembles/import", "adapters[0] is required"});
    // ScoreRequest, ScoreItem
    cases.put(
        "{\"items\": [{\"prompt\": \"p\", \"response\": \"r\"}], \"version\": 0}",
        new String[] {score, "version must be a version number, 1 or more"});
    cases.put(
        "{\"items\": [{\"prompt\": \"p\", \"response\": \"r\"}, {\"prompt\": \"p\", \"tokenIds\": [1]}]}",
        new String[] {score, "items[1] has tokenIds and text; send one or the other"});
    cases.put(
        "{\"items\": [{\"tokenIds\": [1, null]}]}",
        new String[] {score, "items[0].tokenIds[1] is null"});
    cases.put(
        "{\"items\": [{\"prompt\": \"p\"}]}",
        new String[] {score, "items[0] needs both prompt and response"});
    // TrainRequest, DatasetRef, TrainingSettings
    cases.put("{}", new String[] {train, "dataset is required"});
    cases.put(
        "{\"dataset\": " + pairs + ", \"centering\": 11}",
        new String[] {train, "centering must be in [0, 10], got 11.0"});
    cases.put(
        "{\"dataset\": " + pairs + ", \"fromVersion\": 0}",
        new String[] {train, "fromVersion must be a version number"});
    cases.put("{\"dataset\": {\"path\": \" \"}}", new String[] {train, "dataset.path is required"});
    cases.put(
        "{\"dataset\": {\"pairs\": []}}",
        new String[] {train, "dataset.pairs must hold at least one"});
    cases.put(
        "{\"dataset\": {\"pairs\": [null]}}",
        new String[] {train, "dataset.pairs[0] needs prompt, chosen and rejected"});
    cases.put(
        "{\"dataset\": " + pairs + ", \"training\": {\"epochs\": 0}}",
        new String[] {train, "training.epochs must be 1..100, got 0"});
    cases.put(
        "{\"dataset\": " + pairs + ", \"training\": {\"learningRate\": 2}}",
        new String[] {train, "training.learningRate must be in (0, 1]"});
    cases.put(
        "{\"dataset\": "
            + pairs
            + ", \"training\": {\"learningRate\": 0.001, \"floorLearningRate\": 0.01}}",
        new String[] {train, "training.floorLearningRate must be in [0, learningRate = 0.001]"});
    cases.put(
        "{\"dataset\": " + pairs + ", \"training\": {\"warmupFraction\": 1}}",
        new String[] {train, "training.warmupFraction must be in [0, 1)"});
    // EvaluateRequest
    cases.put("{\"version\": 1}", new String[] {evaluate, "dataset is required"});
    // RefineRequest, LabelledSample
    cases.put("{" + log + "}", new String[] {refine, "labels must hold at least one"});
    cases.put(
        "{\"labels\": [{\"prompt\": \"p\", \"label\": 3}], " + log + "}",
        new String[] {refine, "labels[0] needs prompt and response"});
    cases.put(
        "{\"labels\": [" + label + "], " + log + ", \"sigma\": 11}",
        new String[] {refine, "sigma must be in [0, 10]"});
    cases.put(
        "{\"labels\": [" + label + "], \"logRewards\": [[], [0.1]]}",
        new String[] {refine, "logRewards[0] is empty"});
    cases.put(
        "{\"labels\": [" + label + "], \"logSamples\": []}",
        new String[] {refine, "logSamples must hold at least one"});
    cases.put(
        "{\"labels\": [" + label + "], \"logSamples\": [{\"tokenIds\": [1, 2]}]}",
        new String[] {refine, "logSamples[0] has tokenIds; the log is scored as text"});
    cases.put(
        "{\"labels\": [" + label + "], \"runId\": \" \"}",
        new String[] {refine, "runId is required"});
    for (var c : cases.entrySet()) {
      Http.Response r = http.post(c.getValue()[0], c.getKey(), null);
      assertThat(r.status()).as("%s %s: %s", c.getValue()[0], c.getKey(), r.body()).isEqualTo(400);
      assertThat(r.json().get("title").asString()).isEqualTo("Invalid request");
      assertThat(r.json().get("detail").asString())
          .as("%s %s", c.getValue()[0], c.getKey())
          .contains(c.getValue()[1]);
    }
    assertUnchanged();
  }

  /**
   * What the service checks against its own state and settings, after the record checked itself.
   */
  @Test
  void shouldRefuseWhatOnlyTheServiceCanJudgeWith400() throws Exception {
    String train = "/v1/ensembles/" + ensemble + "/train";
    String refine = "/v1/ensembles/" + ensemble + "/refine";
    String pairs = "{\"path\": \"world/" + WorldFiles.PAIRS_TRAIN + "\"}";
    String label = "{\"prompt\": \"p\", \"response\": \"r\", \"label\": 3}";
    problem(
        http.post(
            train,
            "{\"dataset\": " + pairs + ", \"training\": {\"floorLearningRate\": 0.5}}",
            null),
        400,
        "above the learning rate",
        "ugda.reward.training.learning-rate");
    problem(
        http.post(
            "/v1/ensembles",
            Map.of("name", "x", "baseModel", "sft", "lora", Map.of("targets", List.of("gate")))),
        400,
        "lora: target module 'gate'");
    problem(
        http.post(refine, "{\"labels\": [" + label + "], \"runId\": \"run-1\"}", null),
        400,
        "runId needs ugda.services.policy-url");
    assertUnchanged();
  }

  @Test
  void shouldNameTheLineOfAMalformedUploadAndStoreNothing() throws Exception {
    byte[] body =
        ("{\"chosen\": \"\\n\\nHuman: a\\n\\nAssistant: b\", \"rejected\": \"\\n\\nHuman: a\\n\\nAssistant: c\"}\n"
                + "{\"chosen\": 7}\n")
            .getBytes();
    problem(http.postMultipart("/v1/datasets", "pairs.jsonl", body), 400, ":2: field \"chosen\"");
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of("dataset", Map.of("pairs", List.of(Map.of("prompt", "p", "chosen", "a"))))),
        400,
        "pairs[0] needs prompt, chosen and rejected");
    try (Stream<Path> tmp = Files.list(storage.resolve("tmp"))) {
      assertThat(tmp.toList()).as("no temporary files left").isEmpty();
    }
    assertUnchanged();
  }

  @Test
  void shouldAcceptAValidUploadAndATokenIdRequest() {
    byte[] body =
        "{\"prompt\": \"what is 1 plus 1 ?\", \"chosen\": \"1 plus 1 is 2 .\", \"rejected\": \"1 plus 1 is 3 .\", \"subset\": \"helpful\"}\n"
            .getBytes();
    Http.Response r = http.postMultipart("/v1/datasets", "rb.jsonl", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("format").asString()).isEqualTo("rewardbench");
    assertThat(r.json().get("pairs").asInt()).isEqualTo(1);
    problem(
        http.post(
            "/v1/ensembles/" + ensemble + "/score",
            Map.of("items", List.of(Map.of("tokenIds", List.of(1, 99999))))),
        400,
        "ids must be in 0..");
  }
}
