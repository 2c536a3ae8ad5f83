package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardApp;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;

/**
 * No response names an absolute server path, also where the service itself found something wrong
 * with files it holds (a base without a tokenizer, a damaged version) and in the files it hands out
 * (an export of imported adapters): paths are named relative to the storage root, or as the caller
 * gave them.
 */
class ServerPathsHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();
  static ConfigurableApplicationContext app;
  static Http http;
  static Path storage;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    storage = TestWorld.root();
    dir = storage.resolve("paths-test");
    TestWorld.StorageClean.delete(dir);
    Path noTokenizer = Files.createDirectories(dir.resolve("no-tokenizer"));
    for (String f : List.of("config.json", "model.safetensors")) {
      Files.copy(storage.resolve("sft").resolve(f), noTokenizer.resolve(f));
    }
    app = RewardApp.start(DB, storage);
    http = RewardApp.http(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static void noServerPath(String text) {
    assertThat(text)
        .as("no absolute server path")
        .doesNotContain(storage.toString())
        .doesNotContain(Path.of("").toAbsolutePath().toString());
  }

  static String create(String name, String base) {
    Http.Response r = http.post("/v1/ensembles", Map.of("name", name, "baseModel", base));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void shouldNameABaseWithoutTokenizerRelativeToTheStorageRoot() {
    String id = create("no-tokenizer", "paths-test/no-tokenizer");

    Http.Response r =
        http.post(
            "/v1/ensembles/" + id + "/score",
            Map.of("items", List.of(Map.of("prompt", "p", "response", "r"))));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("detail").asString())
        .contains("'paths-test/no-tokenizer' has no tokenizer.json");
    noServerPath(r.body());
  }

  @Test
  void shouldReportADamagedVersionWithoutItsAbsolutePath() throws Exception {
    String id = create("damaged", "sft");
    Files.delete(storage.resolve("reward/ensembles/" + id + "/v1/manifest.json"));

    Http.Response r =
        http.post(
            "/v1/ensembles/" + id + "/score",
            Map.of("items", List.of(Map.of("prompt", "p", "response", "r"))));

    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().get("detail").asString())
        .contains("damaged on disk: [manifest.json is missing or unreadable]");
    noServerPath(r.body());
  }

  @Test
  void shouldExportImportedAdaptersWithoutTheirAbsoluteSource() throws Exception {
    String id = create("source", "sft");
    unzip(http.get("/v1/ensembles/" + id + "/versions/1/export").bytes(), dir.resolve("exported"));
    Http.Response imported =
        http.post(
            "/v1/ensembles/import",
            Map.of(
                "name",
                "imported",
                "baseModel",
                "sft",
                "adapters",
                List.of("paths-test/exported/member-0", "paths-test/exported/member-1")));
    assertThat(imported.status()).as(imported.body()).isEqualTo(201);

    Http.Response zip =
        http.get("/v1/ensembles/" + imported.json().get("id").asString() + "/versions/1/export");

    assertThat(zip.status()).isEqualTo(200);
    Path out = dir.resolve("re-exported");
    unzip(zip.bytes(), out);
    try (var files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        noServerPath(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(
            new String(
                Files.readAllBytes(out.resolve("member-1/adapter_model.safetensors")),
                StandardCharsets.ISO_8859_1))
        .as("the source as the caller gave it")
        .contains("paths-test/exported/member-1");
  }

  private static void unzip(byte[] zip, Path to) throws Exception {
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (var e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        Path f = to.resolve(e.getName());
        Files.createDirectories(f.getParent());
        Files.write(f, z.readAllBytes());
      }
    }
  }
}
