package org.ugda.policy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ugda.policy.support.Rollouts.rollout;
import static org.ugda.policy.support.Rollouts.withRewards;
import static org.ugda.policy.support.Rollouts.withTexts;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a rollout, a filter and a cursor accept, without a database. */
class RolloutRecordTest {

  private static final UUID RUN = UUID.randomUUID();

  @Test
  void shouldTakeLengthsFromTheTokenArraysAndCopyTheArraysIn() {
    long[] prompt = {1, 2, 3};
    double[] rewards = {0.5, 0.25};
    Rollout r = rollout(RUN, 0, 0);
    Rollout built =
        new Rollout(
            RUN,
            0,
            0,
            0,
            null,
            "p",
            "r",
            prompt,
            new long[0],
            true,
            rewards,
            0.375,
            0.015625,
            0,
            0.375,
            null,
            0,
            null,
            null);
    prompt[0] = 99;
    rewards[0] = 99;

    assertThat(r.promptLength()).isEqualTo(3);
    assertThat(r.responseLength()).isEqualTo(2);
    assertThat(built.promptTokens()).containsExactly(1, 2, 3);
    assertThat(built.memberRewards()).containsExactly(0.5, 0.25);
    assertThat(built.responseLength()).isZero();
  }

  @Test
  void shouldRefuseARolloutWithoutMemberRewards() {
    assertThatThrownBy(() -> withRewards(rollout(RUN, 3, 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 3, index 7")
        .hasMessageContaining("no member rewards");
    assertThatThrownBy(() -> withRewards(rollout(RUN, 0, 0), (double[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("memberRewards");
  }

  @Test
  void shouldRefuseANonFiniteMemberRewardNamingTheMember() {
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> withRewards(rollout(RUN, 1, 2), 0.5, bad, 0.25))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("member 1")
          .hasMessageContaining("finite");
    }
  }

  @Test
  void shouldRefuseNonFiniteStatisticsNegativeCountersAndHalfAnEnsemble() {
    Rollout r = rollout(RUN, 0, 0);
    assertThatThrownBy(
            () ->
                new Rollout(
                    RUN,
                    0,
                    0,
                    0,
                    null,
                    "p",
                    "r",
                    new long[0],
                    new long[0],
                    true,
                    new double[] {1},
                    Double.NaN,
                    0,
                    0,
                    0,
                    null,
                    0,
                    null,
                    null))
        .hasMessageContaining("rewardMean");
    assertThatThrownBy(
            () ->
                new Rollout(
                    RUN,
                    0,
                    0,
                    0,
                    null,
                    "p",
                    "r",
                    new long[0],
                    new long[0],
                    true,
                    new double[] {1},
                    1,
                    0,
                    0,
                    0,
                    Double.NaN,
                    0,
                    null,
                    null))
        .hasMessageContaining("goldReward");
    assertThatThrownBy(
            () ->
                new Rollout(
                    RUN,
                    0,
                    -1,
                    0,
                    null,
                    "p",
                    "r",
                    new long[0],
                    new long[0],
                    true,
                    new double[] {1},
                    1,
                    0,
                    0,
                    0,
                    null,
                    0,
                    null,
                    null))
        .hasMessage("step must be at least 0, was -1");
    assertThatThrownBy(
            () ->
                new Rollout(
                    RUN,
                    0,
                    0,
                    0,
                    null,
                    "p",
                    "r",
                    new long[0],
                    new long[0],
                    true,
                    new double[] {1},
                    1,
                    0,
                    0,
                    0,
                    null,
                    0,
                    UUID.randomUUID(),
                    null))
        .hasMessageContaining("give both or neither");
    assertThatThrownBy(
            () ->
                new Rollout(
                    RUN,
                    0,
                    0,
                    0,
                    null,
                    "p",
                    "r",
                    new long[0],
                    new long[0],
                    true,
                    new double[] {1},
                    1,
                    0,
                    0,
                    0,
                    null,
                    0,
                    UUID.randomUUID(),
                    0))
        .hasMessage("ensembleVersion must be at least 1, was 0");
    assertThat(r.goldReward()).isNull();
  }

  @Test
  void shouldRefuseTextPostgresCannotStoreAndTakeAnyOther() {
    Rollout r = rollout(RUN, 0, 0);
    assertThatThrownBy(() -> withTexts(r, null, "a\u0000b", "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prompt contains a NUL character (at 1)");
    assertThatThrownBy(() -> withTexts(r, null, "p", "x\uD800y"))
        .hasMessageContaining("response contains an unpaired UTF-16 surrogate");
    String hostile = "'; drop table policy.rollout; --\n\"quoted\" \\ \t 😀 \u2028 é";
    assertThat(withTexts(r, "😀", hostile, hostile).prompt()).isEqualTo(hostile);
  }

  @Test
  void shouldCountSubtaskLengthInCharactersAsPostgresDoes() {
    Rollout r = rollout(RUN, 0, 0);
    String emoji64 = "😀".repeat(64);
    assertThat(withTexts(r, emoji64, "p", "r").subtask()).isEqualTo(emoji64);
    assertThatThrownBy(() -> withTexts(r, "a".repeat(65), "p", "r"))
        .hasMessage("subtask must be at most 64 characters, was 65");
    assertThatThrownBy(() -> withTexts(r, "", "p", "r")).hasMessageContaining("not be empty");
  }

  @Test
  void shouldRefuseAnInvertedOrNegativeStepRange() {
    assertThat(new RolloutFilter(2, 2, null).fromStep()).isEqualTo(2);
    assertThatThrownBy(() -> new RolloutFilter(3, 2, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fromStep (3) is after toStep (2)");
    assertThatThrownBy(() -> new RolloutFilter(-1, null, null))
        .hasMessage("fromStep must be at least 0, was -1");
    assertThatThrownBy(() -> new RolloutFilter(null, null, "x".repeat(65)))
        .hasMessageContaining("at most 64");
  }

  @Test
  void shouldRoundTripACursor() {
    for (long id : new long[] {0, 1, 42, Long.MAX_VALUE}) {
      String cursor = RolloutCursor.after(id);
      assertThat(cursor).matches("[A-Za-z0-9_-]+");
      assertThat(RolloutCursor.parse(cursor)).isEqualTo(id);
    }
    assertThat(RolloutCursor.parse(null)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage!", "42", "cm9sbG91dC1hZnRlcjotMQ", "%%", "a=b"})
  void shouldRefuseACursorTheServiceNeverGave(String cursor) {
    assertThatThrownBy(() -> RolloutCursor.parse(cursor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("after must be the next cursor of a previous page");
  }

  @Test
  void shouldRefuseWellFormedBase64OfAnythingElse() {
    for (String text :
        new String[] {
          "rollout-after:",
          "rollout-after:-1",
          "rollout-after:01",
          "other:5",
          "rollout-after:99999999999999999999"
        }) {
      String cursor =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(text.getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> RolloutCursor.parse(cursor))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class);
    }
    String longCursor = "A".repeat(500);
    assertThatThrownBy(() -> RolloutCursor.parse(longCursor))
        .hasMessageContaining("AAA...'")
        .hasMessageNotContaining("A".repeat(41));
  }
}
