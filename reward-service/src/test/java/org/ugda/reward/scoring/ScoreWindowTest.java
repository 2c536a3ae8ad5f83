package org.ugda.reward.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoreWindowTest {

  @Test
  void shouldKeepTheSignOfEveryReward() {
    ScoreWindow w = new ScoreWindow();
    for (double r : new double[] {-2, -1, 0.5, 2.5}) {
      w.add(r);
    }

    ScoreWindow.Stats s = w.stats();

    assertThat(s.count()).isEqualTo(4);
    assertThat(s.mean()).isEqualTo(0.0);
    assertThat(s.min()).isEqualTo(-2);
    assertThat(s.max()).isEqualTo(2.5);
    // population variance: (4 + 1 + 0.25 + 6.25) / 4
    assertThat(s.stddev()).isCloseTo(Math.sqrt(11.5 / 4), within(1e-12));
  }

  @Test
  void shouldDescribeOnlyTheLatestRewardsOnceTheWindowIsFull() {
    ScoreWindow w = new ScoreWindow();
    for (int i = 0; i < ScoreWindow.SIZE; i++) {
      w.add(-100);
    }
    for (int i = 0; i < ScoreWindow.SIZE; i++) {
      w.add(i % 2 == 0 ? -1 : 1);
    }

    ScoreWindow.Stats s = w.stats();

    assertThat(s.count()).isEqualTo(ScoreWindow.SIZE);
    assertThat(s.mean()).isEqualTo(0.0);
    assertThat(s.min()).isEqualTo(-1);
    assertThat(s.stddev()).isEqualTo(1.0);
  }

  @Test
  void shouldReportNothingWhileEmpty() {
    ScoreWindow.Stats s = new ScoreWindow().stats();

    assertThat(s.count()).isZero();
    assertThat(s.mean()).isNaN();
  }
}
