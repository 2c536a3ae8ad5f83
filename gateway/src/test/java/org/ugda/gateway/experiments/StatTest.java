package org.ugda.gateway.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatTest {
  @Test
  void theIntervalIsStudentsT() {
    // mean 2, sample sd 1, n 3: 4.303 / sqrt(3)
    Stat s = Stat.of(List.of(1.0, 2.0, 3.0));
    assertThat(s.mean()).isEqualTo(2.0);
    assertThat(s.ci95()).isCloseTo(4.303 / Math.sqrt(3), within(1e-9));
    assertThat(s.n()).isEqualTo(3);
    // large n falls back on the normal quantile
    Double[] many = new Double[40];
    Arrays.fill(many, 0.5);
    many[0] = 1.5;
    assertThat(Stat.t975(39)).isEqualTo(1.960);
    assertThat(Stat.of(Arrays.asList(many)).n()).isEqualTo(40);
  }

  @Test
  void oneValueHasNoIntervalAndCountsAsATie() {
    Stat one = Stat.of(List.of(0.7));
    assertThat(one.ci95()).isNull();
    assertThat(one.sign()).isZero();
    assertThat(Stat.of(List.of())).isNull();
    assertThat(Stat.of(Arrays.asList(null, Double.NaN))).isNull();
  }

  @Test
  void aDifferenceIsATieWhenItsIntervalCrossesZero() {
    assertThat(Stat.of(List.of(0.10, 0.12, 0.11)).sign()).isEqualTo(1);
    assertThat(Stat.of(List.of(-0.10, -0.12, -0.11)).sign()).isEqualTo(-1);
    assertThat(Stat.of(List.of(0.10, -0.05, 0.02)).sign()).isZero();
  }
}
