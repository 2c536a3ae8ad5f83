package org.ugda.policy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ugda.policy.support.Rollouts.grid;
import static org.ugda.policy.support.Rollouts.rollout;
import static org.ugda.policy.support.Rollouts.withRewards;
import static org.ugda.policy.support.Rollouts.withTexts;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.policy.RolloutView;
import org.ugda.policy.support.PolicyServiceHttpTest;
import org.ugda.support.problem.NotFoundException;

/** The writer and the reads of {@link RolloutLog} on the real schema. */
class RolloutLogTest extends PolicyServiceHttpTest {

  @Autowired RolloutLog log;
  @Autowired PlatformTransactionManager transactionManager;

  @Test
  void shouldStoreTheSameBatchOnce() {
    UUID run = newRun();
    List<Rollout> batch = grid(run, 2, 5, UnaryOperator.identity());

    assertThat(log.append(batch)).isEqualTo(10);
    assertThat(log.append(batch)).isZero();
    assertThat(storedRollouts(run)).isEqualTo(10);
  }

  @Test
  void shouldStoreOnlyTheNewRowsOfAnOverlappingBatch() {
    UUID run = newRun();
    List<Rollout> first = grid(run, 1, 6, UnaryOperator.identity());
    List<Rollout> overlapping = new ArrayList<>(first.subList(3, 6));
    overlapping.add(rollout(run, 0, 6));
    overlapping.add(rollout(run, 1, 0));
    // a retry that regenerated a logged sample does not replace it
    overlapping.add(withTexts(first.get(0), "math", "another prompt", "another response"));

    assertThat(log.append(first)).isEqualTo(6);
    assertThat(log.append(overlapping)).isEqualTo(2);
    assertThat(storedRollouts(run)).isEqualTo(8);
    assertThat(log.page(run, RolloutFilter.ALL, 0, 100).items().get(0).prompt())
        .isEqualTo("prompt 0/0");
    assertThat(log.append(List.of())).isZero();
  }

  @Test
  void shouldNeverBuildARolloutWithoutFiniteRewardsSoNoneReachesTheLog() {
    UUID run = newRun();
    List<Rollout> batch = new ArrayList<>(grid(run, 1, 3, UnaryOperator.identity()));

    assertThatThrownBy(() -> batch.add(withRewards(rollout(run, 0, 3))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> batch.add(withRewards(rollout(run, 0, 3), 0.1, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(storedRollouts(run)).isZero();
    // and the schema refuses a row without rewards from anyone who writes SQL directly
    assertThatThrownBy(
            () ->
                jdbc.sql(
                        """
                        INSERT INTO policy.rollout (run_id, epoch, step, idx, prompt, response,
                                prompt_tokens, response_tokens, prompt_length, response_length,
                                ended_with_eos, member_rewards, reward_mean, reward_variance, kl,
                                shaped_reward, policy_version)
                        VALUES (?, 0, 0, 0, 'p', 'r', '{}', '{}', 0, 0, true, '{}', 0, 0, 0, 0, 0)""")
                    .param(run)
                    .update())
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("rollout_rewards");
  }

  @Test
  void shouldStoreNothingOfABatchThatFailsInTheDatabaseHalfWay() {
    UUID run = newRun();
    String poison = "poison-" + UUID.randomUUID();
    String trigger = "refuse_" + poison.substring(7, 15);
    jdbc.sql(
            "CREATE FUNCTION policy."
                + trigger
                + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.prompt = '"
                + poison
                + "' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$")
        .update();
    jdbc.sql(
            "CREATE TRIGGER "
                + trigger
                + " BEFORE INSERT ON policy.rollout FOR EACH ROW EXECUTE FUNCTION policy."
                + trigger
                + "()")
        .update();
    try {
      List<Rollout> batch = new ArrayList<>(grid(run, 1, 4, UnaryOperator.identity()));
      batch.add(withTexts(rollout(run, 0, 4), null, poison, "r"));
      batch.add(rollout(run, 0, 5));

      assertThatThrownBy(() -> log.append(batch)).isInstanceOf(DataAccessException.class);
      assertThat(storedRollouts(run)).isZero();
    } finally {
      jdbc.sql("DROP TRIGGER " + trigger + " ON policy.rollout").update();
      jdbc.sql("DROP FUNCTION policy." + trigger + "()").update();
    }
  }

  @Test
  void shouldJoinTheCallersTransaction() {
    UUID run = newRun();
    TransactionTemplate outer = new TransactionTemplate(transactionManager);

    assertThatThrownBy(
            () ->
                outer.executeWithoutResult(
                    status -> {
                      assertThat(log.append(grid(run, 1, 3, UnaryOperator.identity())))
                          .isEqualTo(3);
                      throw new IllegalStateException("the step failed after logging");
                    }))
        .hasMessage("the step failed after logging");
    assertThat(storedRollouts(run)).isZero();
  }

  @Test
  void shouldRefuseABatchWithOneSampleTwiceAndStoreNothing() {
    UUID run = newRun();
    List<Rollout> batch = new ArrayList<>(grid(run, 1, 3, UnaryOperator.identity()));
    batch.add(rollout(run, 0, 1));

    assertThatThrownBy(() -> log.append(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 0, index 1) twice");
    assertThat(storedRollouts(run)).isZero();
  }

  @Test
  void shouldRefuseAnUnknownRunAndStoreNothingOfTheKnownOne() {
    UUID run = newRun();
    UUID unknown = UUID.randomUUID();
    List<Rollout> batch = List.of(rollout(run, 0, 0), rollout(unknown, 0, 0));

    assertThatThrownBy(() -> log.append(batch))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(unknown.toString());
    assertThat(storedRollouts(run)).isZero();
  }

  @Test
  void shouldRefuseAnotherNumberOfMembersForALoggedEnsembleVersion() {
    UUID run = newRun();
    UUID ensemble = UUID.randomUUID();
    log.append(List.of(rollout(run, 0, 0, "math", ensemble, 1)));

    Rollout fewer = withRewards(rollout(run, 1, 0, "math", ensemble, 1), 0.5, 0.5);
    assertThatThrownBy(() -> log.append(List.of(rollout(run, 1, 1, "math", ensemble, 1), fewer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 and 2 member rewards");
    assertThatThrownBy(() -> log.append(List.of(fewer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with 3 member rewards each; this batch has 2");
    // another version may have another number of members
    assertThat(log.append(List.of(withRewards(rollout(run, 1, 0, "math", ensemble, 2), 1, 2))))
        .isEqualTo(1);
    assertThat(storedRollouts(run)).isEqualTo(2);
  }

  @Test
  void shouldReadBackEveryFieldExactly() {
    UUID run = newRun();
    UUID ensemble = UUID.randomUUID();
    Rollout written =
        withRewards(rollout(run, 5, 3, "code", ensemble, 2), 0.1, -1e-300, 1.0 / 3, 1e300);
    log.append(List.of(written, rollout(run, 5, 6)));

    RolloutView read = log.page(run, RolloutFilter.ALL, 0, 10).items().get(0);
    assertThat(read.runId()).isEqualTo(run);
    assertThat(read.epoch()).isEqualTo(written.epoch());
    assertThat(read.step()).isEqualTo(5);
    assertThat(read.index()).isEqualTo(3);
    assertThat(read.subtask()).isEqualTo("code");
    assertThat(read.prompt()).isEqualTo(written.prompt());
    assertThat(read.response()).isEqualTo(written.response());
    assertThat(read.promptTokens()).isEqualTo(written.promptTokens());
    assertThat(read.responseTokens()).isEqualTo(written.responseTokens());
    assertThat(read.promptLength()).isEqualTo(3);
    assertThat(read.responseLength()).isEqualTo(2);
    assertThat(read.endedWithEos()).isEqualTo(written.endedWithEos());
    assertThat(read.memberRewards()).containsExactly(0.1, -1e-300, 1.0 / 3, 1e300);
    assertThat(read.rewardMean()).isEqualTo(written.rewardMean());
    assertThat(read.rewardVariance()).isEqualTo(written.rewardVariance());
    assertThat(read.kl()).isEqualTo(written.kl());
    assertThat(read.shapedReward()).isEqualTo(written.shapedReward());
    assertThat(read.goldReward()).isEqualTo(written.goldReward());
    assertThat(read.policyVersion()).isEqualTo(written.policyVersion());
    assertThat(read.ensembleId()).isEqualTo(ensemble);
    assertThat(read.ensembleVersion()).isEqualTo(2);
    assertThat(read.createdAt()).isNotNull();
    assertThat(log.find(run, read.id())).contains(read);

    RolloutView other = log.page(run, RolloutFilter.ALL, read.id(), 10).items().get(0);
    assertThat(other.goldReward()).isNull();
    assertThat(other.ensembleId()).isNull();
    assertThat(other.ensembleVersion()).isNull();
  }

  @Test
  void shouldPageByKeysetWithFiltersAndCount() {
    UUID run = newRun();
    UUID otherRun = newRun();
    log.append(grid(run, 4, 5, UnaryOperator.identity()));
    log.append(grid(otherRun, 4, 5, UnaryOperator.identity()));
    RolloutFilter filter = new RolloutFilter(1, 2, "math");

    List<RolloutView> walked = new ArrayList<>();
    long after = 0;
    int pages = 0;
    while (true) {
      RolloutLog.Page page = log.page(run, filter, after, 2);
      walked.addAll(page.items());
      pages++;
      if (page.nextAfter() == null) {
        break;
      }
      after = page.nextAfter();
    }

    // steps 1 and 2, indexes 0, 2, 4 (math): 6 rows in 3 full pages, none empty
    assertThat(pages).isEqualTo(3);
    assertThat(walked)
        .extracting(v -> v.step() + "/" + v.index())
        .containsExactly("1/0", "1/2", "1/4", "2/0", "2/2", "2/4");
    assertThat(walked).allMatch(v -> v.runId().equals(run));
    assertThat(walked).extracting(RolloutView::id).isSorted().doesNotHaveDuplicates();
    assertThat(log.count(run, filter)).isEqualTo(6);
    assertThat(log.count(run, RolloutFilter.ALL)).isEqualTo(20);
    assertThat(log.count(run, new RolloutFilter(3, null, null))).isEqualTo(5);
    assertThat(log.steps(run)).containsExactly(0, 1, 2, 3);
    assertThat(log.steps(newRun())).isEmpty();
  }

  @Test
  void shouldFindRolloutsByIdInTheGivenOrderAndOnlyOfTheRun() {
    UUID run = newRun();
    UUID otherRun = newRun();
    log.append(grid(run, 1, 4, UnaryOperator.identity()));
    log.append(grid(otherRun, 1, 1, UnaryOperator.identity()));
    List<Long> ids =
        log.page(run, RolloutFilter.ALL, 0, 10).items().stream().map(RolloutView::id).toList();
    long foreign = log.page(otherRun, RolloutFilter.ALL, 0, 10).items().get(0).id();

    List<RolloutView> found =
        log.findByIds(run, List.of(ids.get(3), ids.get(0), foreign, ids.get(3), -5L, ids.get(1)));

    assertThat(found)
        .extracting(RolloutView::id)
        .containsExactly(ids.get(3), ids.get(0), ids.get(1));
    assertThat(found.get(0).responseTokens()).containsExactly(303, 2);
    assertThat(log.findByIds(run, List.of())).isEmpty();
    assertThat(log.find(run, foreign)).isEmpty();
    assertThat(log.exists(run)).isTrue();
    assertThat(log.exists(UUID.randomUUID())).isFalse();
  }

  @Test
  void shouldStreamEveryMatchingRowInIdOrderAcrossFetches() {
    UUID run = newRun();
    log.append(grid(run, 5, 10, UnaryOperator.identity()));
    List<RolloutView> streamed = new ArrayList<>();

    long count = log.stream(run, new RolloutFilter(1, null, null), streamed::add);

    assertThat(count).isEqualTo(40);
    assertThat(streamed).extracting(RolloutView::id).isSorted().doesNotHaveDuplicates();
    assertThat(streamed).allMatch(v -> v.step() >= 1);
    assertThat(streamed)
        .isEqualTo(log.page(run, new RolloutFilter(1, null, null), 0, 1000).items());
  }

  @Test
  void shouldGiveMemberRewardsMemberMajorInIdOrderForOneVersionOnly() {
    UUID run = newRun();
    UUID ensemble = UUID.randomUUID();
    UUID otherEnsemble = UUID.randomUUID();
    log.append(
        List.of(
            withRewards(rollout(run, 0, 0, null, ensemble, 1), 1, 2, 3),
            withRewards(rollout(run, 0, 1, null, ensemble, 2), 9, 9),
            withRewards(rollout(run, 0, 2, null, otherEnsemble, 1), 8, 8, 8),
            withRewards(rollout(run, 0, 3, null, null, null), 7, 7, 7)));
    log.append(List.of(withRewards(rollout(run, 1, 0, null, ensemble, 1), 4, 5, 6)));

    assertThat(log.memberRewards(run, ensemble, 1))
        .containsExactly(List.of(1.0, 4.0), List.of(2.0, 5.0), List.of(3.0, 6.0));
    assertThat(log.memberRewards(run, ensemble, 2)).containsExactly(List.of(9.0), List.of(9.0));
    assertThat(log.memberRewards(run, ensemble, 3)).isEmpty();
    assertThat(log.scoredWith(run))
        .contains(new RolloutLog.Scoring(ensemble, 1, 2), new RolloutLog.Scoring(null, null, 1))
        .hasSize(4)
        .last()
        .isEqualTo(new RolloutLog.Scoring(null, null, 1));
  }
}
