package org.ugda.relabel.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ugda.api.relabel.AgreementReport;
import org.ugda.api.relabel.ScoreAgreement;

class AgreementStatisticsTest {

  @Test
  void shouldMatchTheTextbookKappaExample() {
    // Cohen's kappa, the classic 2x2 example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4
    int[][] confusion = new int[5][5];
    confusion[0][0] = 20;
    confusion[0][1] = 5;
    confusion[1][0] = 10;
    confusion[1][1] = 15;

    assertThat(AgreementStatistics.cohensKappa(confusion)).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void shouldBeUndefinedWithoutItemsOrWhenBothExpertsAlwaysGiveTheSameSingleScore() {
    int[][] same = new int[5][5];
    same[2][2] = 7;

    assertThat(AgreementStatistics.cohensKappa(new int[5][5])).isNull();
    assertThat(AgreementStatistics.cohensKappa(same)).isNull();
  }

  @Test
  void shouldFillTableOneLayoutOnSharedItemsOnly() {
    Map<String, Integer> a =
        new HashMap<>(Map.of("x1", 1, "x2", 1, "x3", 1, "x4", 5, "x5", 3, "onlyA", 2));
    Map<String, Integer> b =
        new HashMap<>(Map.of("x1", 1, "x2", 1, "x3", 2, "x4", 5, "x5", 4, "onlyB", 4));

    AgreementReport report = AgreementStatistics.report("human", "openai", null, a, b);

    assertThat(report.sharedItems()).isEqualTo(5);
    assertThat(report.perScore())
        .containsExactly(
            new ScoreAgreement(1, 3, 2, 2.0 / 3),
            new ScoreAgreement(2, 0, 0, null),
            new ScoreAgreement(3, 1, 0, 0.0),
            new ScoreAgreement(4, 0, 0, null),
            new ScoreAgreement(5, 1, 1, 1.0));
    assertThat(report.overallAgreement()).isEqualTo(3.0 / 5);
    // distributions cover every item each expert labelled, as the paper's first rows do
    assertThat(report.distributionA().items()).isEqualTo(6);
    assertThat(report.distributionA().counts()).isEqualTo(List.of(3, 1, 1, 0, 1));
    assertThat(report.distributionB().counts()).isEqualTo(List.of(2, 1, 0, 2, 1));
    assertThat(report.distributionB().fractions().get(3)).isCloseTo(2.0 / 6, within(1e-12));
    // p_o = 0.6; p_e = 0.6*0.4 + 0*0.2 + 0.2*0 + 0*0.2 + 0.2*0.2 = 0.28
    assertThat(report.cohensKappa()).isCloseTo((0.6 - 0.28) / (1 - 0.28), within(1e-12));
  }

  @Test
  void shouldReportNoAgreementFiguresWhenNothingIsShared() {
    AgreementReport report =
        AgreementStatistics.report("human", "simulated", null, Map.of("a", 3), Map.of("b", 3));

    assertThat(report.sharedItems()).isZero();
    assertThat(report.overallAgreement()).isNull();
    assertThat(report.cohensKappa()).isNull();
    assertThat(report.perScore()).allSatisfy(row -> assertThat(row.fraction()).isNull());
  }
}
