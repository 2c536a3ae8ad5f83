package org.ugda.selection.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ugda.api.selection.InfluenceForm;

/** The validation directions of Eq. 10-11 ({@code paper}) and of LESS ({@code less}) by hand. */
class DirectionsTest {

  private static final double EPS = 1e-6;

  /** Three validation gradients of different norms: (4, 0), (0, 1), (0, 1). */
  private static float[] direction(InfluenceForm form) {
    return new Directions.Builder(form, 2)
        .add(new float[] {4, 0})
        .add(new float[] {0, 1})
        .add(new float[] {0, 1})
        .build();
  }

  private static double score(float[] g, float[] w) {
    double[] out = new double[1];
    Directions.score(g, new float[][] {w}, out);
    return out[0];
  }

  @Test
  void paperDirectionIsTheNormalizedMeanValidationGradient() {
    // mean = (4/3, 2/3), |mean| = sqrt(20)/3, so w = (4, 2)/sqrt(20) = (2, 1)/sqrt(5)
    //      = (0.8944272, 0.4472136)
    float[] w = direction(InfluenceForm.PAPER);
    assertArrayEquals(new float[] {0.8944272f, 0.4472136f}, w, 1e-6f);
  }

  @Test
  void lessDirectionIsTheMeanOfUnitValidationGradients() {
    // unit vectors (1, 0), (0, 1), (0, 1); mean = (1/3, 2/3)
    float[] w = direction(InfluenceForm.LESS);
    assertArrayEquals(new float[] {1f / 3, 2f / 3}, w, 1e-6f);
  }

  @Test
  void paperAndLessScoreDifferentlyAndRankInOppositeOrder() {
    float[] paper = direction(InfluenceForm.PAPER);
    float[] less = direction(InfluenceForm.LESS);
    float[] gx = {1, 0};
    float[] gy = {0, 5}; // |g| = 5: the score divides it out
    // paper: cos((1,0), (2,1)) = 2/sqrt(5) = 0.8944272; cos((0,5), (2,1)) = 1/sqrt(5) = 0.4472136
    assertEquals(0.8944272, score(gx, paper), EPS);
    assertEquals(0.4472136, score(gy, paper), EPS);
    // less: mean of per-example cosines.
    //   gx: cos with (4,0), (0,1), (0,1) = 1, 0, 0 -> 1/3
    //   gy: cos with (4,0), (0,1), (0,1) = 0, 1, 1 -> 2/3
    assertEquals(1.0 / 3, score(gx, less), EPS);
    assertEquals(2.0 / 3, score(gy, less), EPS);
    // so paper prefers gx, less prefers gy: the large-norm example dominates the paper's mean only
    assertTrue(score(gx, paper) > score(gy, paper));
    assertTrue(score(gx, less) < score(gy, less));
  }

  @Test
  void scoreIsCosineAgainstEachSubtask() {
    // g = (3, 4), |g| = 5; against w1 = (1, 0): 3/5 = 0.6; against w2 = (0, 1): 4/5 = 0.8
    double[] out = new double[2];
    Directions.score(new float[] {3, 4}, new float[][] {{1, 0}, {0, 1}}, out);
    assertArrayEquals(new double[] {0.6, 0.8}, out, EPS);
  }

  @Test
  void zeroTrainingGradientScoresZeroNotNaN() {
    // |g| = 0: cosine defined as 0; the out array is overwritten even if it held NaN
    double[] out = {Double.NaN, Double.NaN};
    Directions.score(new float[] {0, 0}, new float[][] {{1, 0}, {0, 1}}, out);
    assertArrayEquals(new double[] {0, 0}, out, 0.0);
  }

  @Test
  void zeroValidationGradientCountsAsCosineZeroInLess() {
    // less: v1 = (0,0) -> unit "vector" 0, v2 = (2,0) -> (1,0); mean = (0.5, 0)
    // g = (1,1): 0.5 / sqrt(2) = 0.3535534 = mean(cos 0, cos 1/sqrt 2)
    float[] less =
        new Directions.Builder(InfluenceForm.LESS, 2)
            .add(new float[] {0, 0})
            .add(new float[] {2, 0})
            .build();
    assertArrayEquals(new float[] {0.5f, 0f}, less, 0f);
    assertEquals(0.3535534, score(new float[] {1, 1}, less), EPS);
    // paper: mean = (1, 0) -> w = (1, 0); g = (1,1): 1/sqrt(2) = 0.7071068
    float[] paper =
        new Directions.Builder(InfluenceForm.PAPER, 2)
            .add(new float[] {0, 0})
            .add(new float[] {2, 0})
            .build();
    assertEquals(0.7071068, score(new float[] {1, 1}, paper), EPS);
  }

  @Test
  void vanishingMeanGivesZeroDirectionAndZeroScores() {
    // (1,2) + (-1,-2) = 0 in both forms: w = 0, every score 0, no NaN
    for (InfluenceForm form : InfluenceForm.values()) {
      float[] w =
          new Directions.Builder(form, 2).add(new float[] {1, 2}).add(new float[] {-1, -2}).build();
      assertArrayEquals(new float[] {0, 0}, w, 0f, form.toString());
      double s = score(new float[] {3, 1}, w);
      assertEquals(0.0, s, 0.0, form.toString());
    }
  }

  @Test
  void builderCountsExamples() {
    Directions.Builder b = new Directions.Builder(InfluenceForm.PAPER, 3);
    assertEquals(0, b.count());
    b.add(new float[] {1, 0, 0}).add(new float[] {0, 1, 0});
    assertEquals(2, b.count());
  }

  @Test
  void emptyBuilderAndWrongLengthsAreRejected() {
    assertThrows(
        IllegalStateException.class, () -> new Directions.Builder(InfluenceForm.PAPER, 2).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Directions.Builder(InfluenceForm.LESS, 2).add(new float[] {1, 2, 3}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Directions.score(new float[] {1, 0, 0}, new float[][] {{1, 0}}, new double[1]));
  }
}
