package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardServer;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * {@code /actuator/prometheus} describes each member's rewards with their sign: every reward is
 * counted, and the window's mean, standard deviation, minimum and maximum are those of the rewards
 * the score responses carried, negative ones included.
 */
class MemberScoreMetricsHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @RegisterExtension static final RewardServer SERVER = new RewardServer(DB);

  static final Http http = SERVER.http();

  @Test
  void shouldExportEachMembersScoresWithTheirSign() {
    String id =
        http.createEnsemble(Map.of("name", "signed", "baseModel", "sft", "members", 3, "seed", 5));
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(Map.of("prompt", "what is " + i + " plus 2 ?", "response", i + " plus 2 is 7 ."));
    }
    JsonNode scored = http.post("/v1/ensembles/" + id + "/score", Map.of("items", items)).json();
    double[][] byMember = new double[3][6];
    for (int i = 0; i < 6; i++) {
      for (int m = 0; m < 3; m++) {
        byMember[m][i] = scored.get("items").get(i).get("members").get(m).asDouble();
      }
    }
    assertThat(Arrays.stream(byMember).flatMapToDouble(Arrays::stream).min().orElseThrow())
        .as("the test needs negative rewards")
        .isNegative();

    String metrics = http.get("/actuator/prometheus").body();

    for (int m = 0; m < 3; m++) {
      double[] r = byMember[m];
      double mean = Arrays.stream(r).average().orElseThrow();
      double variance = Arrays.stream(r).map(x -> (x - mean) * (x - mean)).sum() / 6;
      assertThat(value(metrics, "ugda_reward_member_scores_total", m)).isEqualTo(6);
      assertThat(value(metrics, "ugda_reward_member_score_window", m)).isEqualTo(6);
      assertThat(value(metrics, "ugda_reward_member_score_mean", m)).isCloseTo(mean, within(1e-9));
      assertThat(value(metrics, "ugda_reward_member_score_stddev", m))
          .isCloseTo(Math.sqrt(variance), within(1e-9));
      assertThat(value(metrics, "ugda_reward_member_score_min", m))
          .isEqualTo(Arrays.stream(r).min().orElseThrow());
      assertThat(value(metrics, "ugda_reward_member_score_max", m))
          .isEqualTo(Arrays.stream(r).max().orElseThrow());
    }
  }

  /** The sample of {@code name} for ensemble "signed" and {@code member}. */
  static double value(String metrics, String name, int member) {
    Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
    while (line.find()) {
      String labels = line.group(1);
      if (labels.contains("ensemble=\"signed\"") && labels.contains("member=\"" + member + "\"")) {
        return Double.parseDouble(line.group(2));
      }
    }
    throw new AssertionError("no " + name + " for member " + member + " in:\n" + metrics);
  }
}
