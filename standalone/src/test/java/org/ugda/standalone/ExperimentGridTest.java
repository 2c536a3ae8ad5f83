package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ExperimentGridTest {
  @Test
  void theDefaultGridHoldsEveryMethodBudgetNoiseAndSweepPerSeed() {
    ExperimentGrid g = ExperimentGrid.of("default", 3, "default");
    // clean: sft + ppo/lcb/uwo at 0% and 25% + rlr and the ugda family at 25% = 12;
    // flipped: table 3's methods = 9; sweeps on clean: 3 dimensions + 3 x 3 gamma/eta = 12
    assertThat(g.cells()).hasSize(3 * (12 + 9 + 12));
    Set<String> ids = new HashSet<>();
    g.cells().forEach(c -> assertThat(ids.add(c.id())).as(c.id()).isTrue());
    assertThat(ids)
        .contains(
            "clean-sft-s1",
            "flip20-ugda-25-s3",
            "clean-ugda-dim8192-s2",
            "clean-ugda-g25-e75-s1",
            "clean-ppo-0-s1",
            "clean-ppo-25-s1");
    Map<String, Object> flipped =
        g.cells().stream()
            .filter(c -> c.id().equals("flip20-ugda-25-s1"))
            .findFirst()
            .orElseThrow()
            .body();
    assertThat(flipped).containsEntry("trainPairs", ExperimentGrid.FLIPPED_PAIRS);
    assertThat(ExperimentGrid.of("full", 2, "full").cells()).hasSize(2 * (12 + 12 + 24));
  }

  @Test
  void flippingSwapsExactlyTwentyPercentAndKeepsTheRest(@TempDir Path dir) throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      b.append(
              json.writeValueAsString(
                  Map.of("chosen", "good " + i, "rejected", "bad " + i, "subset", "helpful")))
          .append('\n');
    }
    Path from = dir.resolve("pairs.jsonl");
    Files.writeString(from, b.toString());
    Path to = dir.resolve("flipped.jsonl");
    Experiments.flip(from, to);
    List<String> lines = Files.readAllLines(to);
    assertThat(lines).hasSize(50);
    int swapped = 0;
    for (int i = 0; i < 50; i++) {
      JsonNode row = json.readTree(lines.get(i));
      assertThat(row.get("subset").asString()).isEqualTo("helpful");
      if (row.get("chosen").asString().equals("bad " + i)) {
        assertThat(row.get("rejected").asString()).isEqualTo("good " + i);
        swapped++;
      } else {
        assertThat(row.get("chosen").asString()).isEqualTo("good " + i);
      }
    }
    assertThat(swapped).isEqualTo(10);
    // the same seed every time
    Path again = dir.resolve("again.jsonl");
    Experiments.flip(from, again);
    assertThat(Files.readString(again)).isEqualTo(Files.readString(to));
  }
}
