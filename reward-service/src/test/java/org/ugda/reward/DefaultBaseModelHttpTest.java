package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardApp;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * An ensemble whose request names no {@code baseModel} goes on the configured default ({@code
 * ugda.reward.default-base-model}, {@code models/world-sft} under the storage root): a 400 that
 * says how to make it while it is missing, the default itself once it is there. The storage root is
 * relative, as {@code ./ugda serve} has it, so the commands in the message are the ones to run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DefaultBaseModelHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();
  static final Path STORAGE = Path.of("target", "default-base-storage");
  static ConfigurableApplicationContext app;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    TestWorld.root();
    TestWorld.StorageClean.delete(STORAGE);
    app = RewardApp.start(DB, STORAGE);
    http = RewardApp.http(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  @Order(1)
  void shouldSayWhichCommandsMakeTheDefaultBaseWhileItIsMissing() {
    for (String path : List.of("/v1/ensembles", "/v1/ensembles/import")) {
      Map<String, Object> body =
          path.endsWith("import")
              ? Map.of("name", "first", "adapters", List.of("adapters/a"))
              : Map.of("name", "first");
      Http.Response r = http.post(path, body);

      assertThat(r.status()).as(r.body()).isEqualTo(400);
      String detail = r.json().get("detail").asString();
      assertThat(detail)
          .contains("ugda.reward.default-base-model")
          .contains("'models/world-sft'")
          .contains("./ugda world generate --out target/default-base-storage/world")
          .contains(
              "./ugda world train-sft --data target/default-base-storage/world"
                  + " --out target/default-base-storage/models/world-sft");
      assertThat(r.body()).doesNotContain(STORAGE.toAbsolutePath().toString());
    }
    assertThat(http.get("/v1/ensembles").json()).as("nothing was stored").isEmpty();
  }

  @Test
  @Order(2)
  void shouldNameTheRootsAndWhatToDoForABaseOutsideThem() {
    String outside = TestWorld.root().resolve("sft").toString();

    Http.Response r = http.post("/v1/ensembles", Map.of("name", "outside", "baseModel", outside));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("detail").asString())
        .contains("'" + outside + "' lies outside the storage root (ugda.reward.storage-root)")
        .contains("ugda.reward.model-roots")
        .contains("give a path relative to the storage root")
        .contains("--out target/default-base-storage/models/world-sft");
    assertThat(http.get("/v1/ensembles").json()).as("nothing was stored").isEmpty();
  }

  @Test
  @Order(3)
  void shouldPutAnEnsembleWithoutBaseModelOnTheDefaultOnceItExists() throws Exception {
    copy(TestWorld.root().resolve("sft"), STORAGE.resolve("models").resolve("world-sft"));

    Http.Response created = http.post("/v1/ensembles", Map.of("name", "defaulted", "members", 2));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("baseModel").asString()).isEqualTo("models/world-sft");
    JsonNode scored =
        http.post(
                "/v1/ensembles/" + created.json().get("id").asString() + "/score",
                Map.of(
                    "items",
                    List.of(Map.of("prompt", "what is 1 plus 1 ?", "response", "1 plus 1 is 2 ."))))
            .json();
    assertThat(scored.get("items").get(0).get("members")).hasSize(2);
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
