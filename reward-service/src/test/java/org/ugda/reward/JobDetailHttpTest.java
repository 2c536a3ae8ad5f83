package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardServer;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * A finished job's {@code detail} is complete and agrees with its {@code result}, although progress
 * writes are throttled: the last report before the end is not the last one made.
 */
class JobDetailHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @RegisterExtension static final RewardServer SERVER = new RewardServer(DB);

  static final Http http = SERVER.http();
  static String ensemble;

  @BeforeAll
  static void start() {
    ensemble = http.createEnsemble("detail", 3);
  }

  static JsonNode await(Http.Response submitted) {
    return http.succeeded(submitted, Duration.ofMinutes(3));
  }

  @Test
  void shouldEndATrainJobWithEveryMemberInItsDetailAsInItsResult() {
    List<Map<String, Object>> pairs = JobBodies.plusOnePairs(24, "i hope this helps .");

    JsonNode done =
        await(
            http.post("/v1/ensembles/" + ensemble + "/train", JobBodies.trainOneEpochOn(pairs, 8)));

    assertThat(done.get("result").get("members")).hasSize(3);
    assertThat(done.get("detail").get("members"))
        .as("detail: %s", done.get("detail"))
        .isEqualTo(done.get("result").get("members"));
    assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
  }

  @Test
  void shouldEndARefineJobWithEveryMembersStepsInItsDetail() {
    JsonNode done =
        await(
            http.post(
                "/v1/ensembles/" + ensemble + "/refine",
                Map.of(
                    "labels",
                    List.of(
                        Map.of("prompt", "what is 1 plus 1 ?", "response", "2 .", "label", 5),
                        Map.of("prompt", "what is 1 plus 1 ?", "response", "3 .", "label", 1)),
                    "logRewards",
                    List.of(
                        List.of(-0.2, 0.1, 0.3), List.of(-0.1, 0.0, 0.2), List.of(0.1, 0.2, 0.4)),
                    "training",
                    Map.of("epochs", 1, "batchSize", 2))));

    for (int m = 0; m < 3; m++) {
      assertThat(done.get("detail").has("member" + m + "Steps"))
          .as("detail: %s", done.get("detail"))
          .isTrue();
    }
  }
}
