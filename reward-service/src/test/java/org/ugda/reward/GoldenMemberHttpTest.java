package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.reward.support.Http;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * A member imported from the golden fixtures ({@code reward-model/} + {@code reward-lora-adapter/})
 * scores exactly what transformers + peft computed ({@code reward_lora_rewards}), through HTTP.
 */
@SpringBootTest(
    classes = RewardServiceApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=reward-service")
class GoldenMemberHttpTest {

  @TempDir static Path storage;

  static Path fixtures() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !dir.resolve("shared/fixtures").toFile().isDirectory()) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("shared/fixtures not found above the working directory");
    }
    return dir.resolve("shared/fixtures");
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase.fresh().register(registry);
    registry.add("ugda.reward.storage-root", storage::toString);
    registry.add("ugda.reward.model-roots", () -> fixtures().toString());
    registry.add("ugda.device", () -> "cpu");
  }

  final Http http;

  GoldenMemberHttpTest(@LocalServerPort int port) {
    this.http = new Http(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "gemma"})
  void shouldScoreTheReferenceRewardsThroughTheEndpoint(String arch) {
    Path f = fixtures().resolve(arch);
    Http.Response created =
        http.post(
            "/v1/ensembles/import",
            Map.of(
                "name",
                "golden-" + arch,
                "baseModel",
                f.resolve("reward-model").toString(),
                "adapters",
                List.of(f.resolve("reward-lora-adapter").toString())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();

    long[] ids;
    long[] mask;
    float[] expected;
    try (SafeTensorsFile ref = SafeTensorsFile.open(f.resolve("reference.safetensors"))) {
      ids = ref.readLongs("input_ids");
      mask = ref.readLongs("attention_mask");
      expected = ref.readFloats("reward_lora_rewards");
    }
    int cols = ids.length / 2;
    List<Map<String, Object>> items = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      List<Long> row = new ArrayList<>();
      for (int c = 0; c < cols; c++) {
        if (mask[r * cols + c] == 1) {
          row.add(ids[r * cols + c]);
        }
      }
      items.add(Map.of("tokenIds", row));
    }
    Http.Response scored = http.post("/v1/ensembles/" + id + "/score", Map.of("items", items));
    assertThat(scored.status()).as(scored.body()).isEqualTo(200);
    JsonNode out = scored.json();
    assertThat(out.get("version").asInt()).isEqualTo(1);
    for (int r = 0; r < 2; r++) {
      double got = out.get("items").get(r).get("members").get(0).asDouble();
      assertThat(Math.abs(got - expected[r]))
          .as("row %d: %s vs %s", r, got, expected[r])
          .isLessThanOrEqualTo(1e-4 + 1e-3 * Math.abs(expected[r]));
      assertThat(out.get("items").get(r).get("variance").asDouble()).isZero();
    }
  }
}
