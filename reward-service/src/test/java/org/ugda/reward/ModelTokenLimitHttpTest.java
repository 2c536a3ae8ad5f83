package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.core.format.ModelConfig;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardServer;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * The token limit is the smaller of {@code ugda.reward.limits.max-tokens} (512 here, the default)
 * and the base model's {@code max_position_embeddings} (the test world's model has 256): longer
 * sequences are cut to it when scoring, training and refining, and every score says which limit
 * applied.
 */
class ModelTokenLimitHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @RegisterExtension static final RewardServer SERVER = new RewardServer(DB);

  static final Http http = SERVER.http();
  static String ensemble;
  static int positions;

  /** A response of about 400 words: longer than the model's positions, within max-tokens. */
  static final String LONG = "i hope this helps . ".repeat(80) + "1 plus 1 is 2 .";

  @BeforeAll
  static void start() {
    positions = ModelConfig.load(TestWorld.root().resolve("sft")).maxPositionEmbeddings();
    assertThat(positions).as("the test world's model has fewer positions than 512").isEqualTo(256);
    ensemble = http.createEnsemble("positions", 2);
  }

  @Test
  void shouldCutTextsAndTokenIdsToTheModelsPositionsAndSaySo() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add(5L + i % 50);
    }
    JsonNode s =
        http.post(
                "/v1/ensembles/" + ensemble + "/score",
                Map.of(
                    "items",
                    List.of(
                        Map.of("prompt", "what is 1 plus 1 ?", "response", LONG),
                        Map.of("tokenIds", ids),
                        Map.of("prompt", "what is 1 plus 1 ?", "response", "1 plus 1 is 2 ."))))
            .json();

    JsonNode text = s.get("items").get(0);
    assertThat(text.get("maxTokens").asInt()).isEqualTo(256);
    assertThat(text.get("tokens").asInt()).isEqualTo(256);
    assertThat(text.get("truncated").asBoolean()).isTrue();
    assertThat(text.get("droppedTokens").asInt()).isPositive();
    JsonNode tokens = s.get("items").get(1);
    assertThat(tokens.get("maxTokens").asInt()).isEqualTo(256);
    assertThat(tokens.get("tokens").asInt()).isEqualTo(256);
    assertThat(tokens.get("droppedTokens").asInt()).isEqualTo(44);
    JsonNode shortOne = s.get("items").get(2);
    assertThat(shortOne.get("maxTokens").asInt()).isEqualTo(256);
    assertThat(shortOne.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void shouldTrainAndRefineOnSequencesCutToTheModelsPositions() {
    List<Map<String, Object>> pairs = JobBodies.plusOnePairs(4, LONG);
    JsonNode trained =
        done(
            http.post("/v1/ensembles/" + ensemble + "/train", JobBodies.trainOneEpochOn(pairs, 4)));
    assertThat(trained.get("result").get("maxTokens").asInt()).isEqualTo(256);
    assertThat(trained.get("result").get("truncatedSequences").asInt()).isEqualTo(4);

    JsonNode refined =
        done(
            http.post(
                "/v1/ensembles/" + ensemble + "/refine",
                Map.of(
                    "labels",
                    List.of(
                        Map.of("prompt", "what is 1 plus 1 ?", "response", LONG, "label", 1),
                        Map.of("prompt", "what is 1 plus 1 ?", "response", "2 .", "label", 5)),
                    "logRewards",
                    List.of(List.of(-0.2, 0.1, 0.3), List.of(-0.1, 0.0, 0.2)),
                    "training",
                    Map.of("epochs", 1, "batchSize", 2))));
    assertThat(refined.get("result").get("maxTokens").asInt()).isEqualTo(256);
    assertThat(refined.get("result").get("truncatedLabels").asInt()).isEqualTo(1);
  }

  static JsonNode done(Http.Response submitted) {
    return http.succeeded(submitted, Duration.ofMinutes(3));
  }
}
