package org.ugda.selection.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ugda.api.selection.Aggregation;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.InfluenceForm;
import org.ugda.api.selection.Strategy;
import org.ugda.selection.influence.Selector.CosineSink;
import org.ugda.selection.influence.Selector.CosineSource;
import org.ugda.selection.influence.Selector.Plan;
import org.ugda.selection.influence.Selector.Pool;
import org.ugda.selection.influence.Selector.Result;

/**
 * DESIGN.md section 3 steps 3-5 (Eq. 9-12) on small hand-computed logs. Every expected number is
 * worked out in the comment beside it, never by calling the code under test.
 */
class SelectorTest {

  private static final double EPS = 1e-12;
  private static final double[] ONE_CHECKPOINT = {1.0};

  /**
   * A CosineSource serving a fixed table {@code [row][checkpoint][subtask]}, recording requests.
   */
  private static final class Table implements CosineSource {
    final double[][][] cos;
    final List<Integer> checkpoints = new ArrayList<>();
    final List<int[]> rows = new ArrayList<>();

    Table(double[][][] cos) {
      this.cos = cos;
    }

    /** One checkpoint, one subtask: {@code c[row]}. */
    static Table single(double... c) {
      double[][][] t = new double[c.length][1][1];
      for (int s = 0; s < c.length; s++) {
        t[s][0][0] = c[s];
      }
      return new Table(t);
    }

    @Override
    public void cosines(int checkpoint, int[] rows, CosineSink sink) {
      checkpoints.add(checkpoint);
      this.rows.add(rows.clone());
      for (int r : rows) {
        sink.accept(r, cos[r][checkpoint].clone());
      }
    }

    Set<Integer> askedRows() {
      Set<Integer> out = new TreeSet<>();
      for (int[] rs : rows) {
        for (int r : rs) {
          out.add(r);
        }
      }
      return out;
    }
  }

  private static Plan plan(
      Strategy strategy,
      double gamma,
      Double eta,
      Double fraction,
      Integer count,
      Aggregation aggregation,
      double[] weights,
      int subtasks,
      long seed) {
    return new Plan(strategy, gamma, eta, fraction, count, aggregation, weights, subtasks, seed);
  }

  /** One subtask, one checkpoint of weight 1, mean aggregation, seed 0. */
  private static Plan simple(Strategy strategy, double gamma, Double eta, Integer count) {
    return plan(strategy, gamma, eta, null, count, Aggregation.MEAN, ONE_CHECKPOINT, 1, 0);
  }

  private static Result run(long[] ids, double[] variance, Plan plan, CosineSource source) {
    Pool pool = Selector.pool(ids, variance, plan);
    return Selector.select(ids, pool, plan, source);
  }

  private static Set<Integer> kept(Result r) {
    Set<Integer> out = new TreeSet<>();
    for (int s = 0; s < r.kept().length; s++) {
      if (r.kept()[s]) {
        out.add(s);
      }
    }
    return out;
  }

  private static long[] ids(int n) {
    long[] ids = new long[n];
    for (int s = 0; s < n; s++) {
      ids[s] = 1000 + s;
    }
    return ids;
  }

  /** Variances 0.00, 0.01, ..., so sample s has variance rank s + 1. */
  private static double[] increasing(int n) {
    double[] v = new double[n];
    for (int s = 0; s < n; s++) {
      v[s] = s / 100.0;
    }
    return v;
  }

  // The 4-sample log used by several tests:
  //   idx:      0     1     2     3
  //   id:     100   101   102   103
  //   R_v:    0.4   0.1   0.3   0.2   -> variance ranks 4, 1, 3, 2
  //   cos:    0.2   0.9   0.7  -0.1   (one checkpoint, weight 1, one subtask)
  // gamma = 0.5: rank/4 > 0.5 for ranks 3, 4 -> idx 0 and 2 pass (D_train = {0, 2}).
  // Default budget: passing(passing(4, 0.5), 0.5) = passing(2, 0.5) = 1 (2/2 > 0.5, 1/2 not).
  private static final long[] IDS4 = {100, 101, 102, 103};
  private static final double[] VAR4 = {0.4, 0.1, 0.3, 0.2};
  private static final double[] COS4 = {0.2, 0.9, 0.7, -0.1};

  @Test
  void oneSubtaskUgdaKeepsTheMostInfluentialOfThosePassingGamma() {
    Table t = Table.single(COS4);
    Result r = run(IDS4, VAR4, simple(Strategy.UGDA, 0.5, 0.5, null), t);
    Pool p = r.pool();
    assertArrayEquals(new int[] {4, 1, 3, 2}, p.varianceRank());
    assertArrayEquals(new boolean[] {true, false, true, false}, p.passed());
    assertArrayEquals(new int[] {0, 2}, p.influenceRows());
    assertEquals(2, p.trainSize());
    assertEquals(1, p.budget());
    // features only for the passing samples 0 and 2, once for the single checkpoint
    assertEquals(List.of(0), t.checkpoints);
    assertEquals(Set.of(0, 2), t.askedRows());
    // influence = 1 * cos: idx 0 -> 0.2, idx 2 -> 0.7; ranks within D_train: idx 0 -> 1, idx 2 -> 2
    assertEquals(0.2, r.influence()[0][0], EPS);
    assertEquals(0.7, r.influence()[2][0], EPS);
    assertEquals(0.2, r.aggregate()[0], EPS);
    assertEquals(0.7, r.aggregate()[2], EPS);
    assertArrayEquals(new int[] {1, 0, 2, 0}, r.influenceRank());
    // idx 1 has the highest cosine (0.9) but failed gamma: not kept
    assertEquals(Set.of(2), kept(r));
    assertEquals(1, r.keptSize());
    // samples without features: null influence, NaN aggregate, rank 0
    assertNull(r.influence()[1]);
    assertNull(r.cosines()[3]);
    assertTrue(Double.isNaN(r.aggregate()[1]));
    // effective eta: 1 - 1/2 = 0.5
    assertEquals(0.5, r.effectiveEta(), EPS);
  }

  @Test
  void gradientStrategyRanksTheWholeLogByInfluence() {
    Table t = Table.single(COS4);
    Result r = run(IDS4, VAR4, simple(Strategy.GRADIENT, 0.5, 0.5, null), t);
    // budget as for ugda: 1; pool = whole log
    assertEquals(Set.of(0, 1, 2, 3), t.askedRows());
    // cos ascending: -0.1 (idx 3), 0.2 (idx 0), 0.7 (idx 2), 0.9 (idx 1) -> ranks 2, 4, 3, 1
    assertArrayEquals(new int[] {2, 4, 3, 1}, r.influenceRank());
    assertEquals(Set.of(1), kept(r));
    assertNull(r.effectiveEta());
  }

  @Test
  void uncertaintyKeepsTheHighestVariancesAndAsksForNoFeatures() {
    Table t = Table.single(COS4);
    Result r = run(IDS4, VAR4, simple(Strategy.UNCERTAINTY, 0.5, null, 2), t);
    // budget 2: variance ranks 4 (idx 0) and 3 (idx 2)
    assertEquals(Set.of(0, 2), kept(r));
    assertTrue(t.checkpoints.isEmpty());
    assertEquals(0, r.pool().influenceRows().length);
  }

  @Test
  void meanAndMaxAggregationKeepDifferentSetsOnTheSameData() {
    // two subtasks, gamma = 0 (all pass), budget 2
    //   idx  cos (helpful, harmless)  mean   max
    //   0    ( 0.9, -0.5)             0.2    0.9
    //   1    ( 0.4,  0.4)             0.4    0.4
    //   2    ( 0.1,  0.1)             0.1    0.1
    //   3    (-0.3,  0.6)             0.15   0.6
    // mean top 2: 0.4 (1), 0.2 (0) -> {0, 1}; max top 2: 0.9 (0), 0.6 (3) -> {0, 3}
    double[][][] cos = {
      {{0.9, -0.5}}, {{0.4, 0.4}}, {{0.1, 0.1}}, {{-0.3, 0.6}},
    };
    long[] ids = {1, 2, 3, 4};
    double[] var = {0.1, 0.2, 0.3, 0.4};
    Plan mean = plan(Strategy.UGDA, 0.0, null, null, 2, Aggregation.MEAN, ONE_CHECKPOINT, 2, 0);
    Plan max = plan(Strategy.UGDA, 0.0, null, null, 2, Aggregation.MAX, ONE_CHECKPOINT, 2, 0);
    Result rm = run(ids, var, mean, new Table(cos));
    Result rx = run(ids, var, max, new Table(cos));
    assertArrayEquals(new double[] {0.2, 0.4, 0.1, 0.15}, rm.aggregate(), EPS);
    assertArrayEquals(new double[] {0.9, 0.4, 0.1, 0.6}, rx.aggregate(), EPS);
    assertEquals(Set.of(0, 1), kept(rm));
    assertEquals(Set.of(0, 3), kept(rx));
  }

  @Test
  void checkpointWeightsEtaBarChangeThePick() {
    // Eq. 10-11: influence = sum_i etaBar_i * cos_i; two checkpoints, one subtask, gamma 0, budget
    // 1
    //   A (idx 0): cos (0.8, 0.0);  B (idx 1): cos (0.2, 0.9)
    double[][][] cos = {{{0.8}, {0.0}}, {{0.2}, {0.9}}};
    long[] ids = {1, 2};
    double[] var = {0.1, 0.2};
    // weights (0.75, 0.25): A = 0.6 + 0 = 0.6, B = 0.15 + 0.225 = 0.375 -> A
    Plan early =
        plan(Strategy.UGDA, 0.0, null, null, 1, Aggregation.MEAN, new double[] {0.75, 0.25}, 1, 0);
    Table te = new Table(cos);
    Result re = run(ids, var, early, te);
    assertEquals(0.6, re.influence()[0][0], EPS);
    assertEquals(0.375, re.influence()[1][0], EPS);
    assertEquals(Set.of(0), kept(re));
    assertEquals(List.of(0, 1), te.checkpoints);
    // weights (0.25, 0.75): A = 0.2 + 0 = 0.2, B = 0.05 + 0.675 = 0.725 -> B
    Plan late =
        plan(Strategy.UGDA, 0.0, null, null, 1, Aggregation.MEAN, new double[] {0.25, 0.75}, 1, 0);
    Result rl = run(ids, var, late, new Table(cos));
    assertEquals(0.2, rl.influence()[0][0], EPS);
    assertEquals(0.725, rl.influence()[1][0], EPS);
    assertEquals(Set.of(1), kept(rl));
  }

  @Test
  void equalInfluenceTiesBrokenByRolloutIdAscending() {
    // ids 9, 4, 6 with influences 0.5, 0.5, 0.1; gamma 0; budget 1
    // ranks: 0.1 (idx 2) -> 1; the tie 0.5: id 4 (idx 1) -> 2, id 9 (idx 0) -> 3 -> idx 0 kept
    long[] ids = {9, 4, 6};
    double[] var = {0.1, 0.2, 0.3};
    Result r = run(ids, var, simple(Strategy.UGDA, 0.0, null, 1), Table.single(0.5, 0.5, 0.1));
    assertArrayEquals(new int[] {3, 2, 1}, r.influenceRank());
    assertEquals(Set.of(0), kept(r));
  }

  @Test
  void budgetFractionIsRoundedShareOfTheLogAndAtLeastOne() {
    int n = 10;
    // 0.3 * 10 = 3
    Plan p = plan(Strategy.GRADIENT, 0.5, null, 0.3, null, Aggregation.MEAN, ONE_CHECKPOINT, 1, 0);
    assertEquals(3, Selector.pool(ids(n), increasing(n), p).budget());
    Result r = run(ids(n), increasing(n), p, Table.single(new double[n]));
    assertEquals(3, kept(r).size());
    // 0.01 * 10 = 0.1 rounds to 0; a fraction keeps at least one sample
    Plan tiny =
        plan(Strategy.RANDOM, 0.5, null, 0.01, null, Aggregation.MEAN, ONE_CHECKPOINT, 1, 0);
    assertEquals(1, Selector.pool(ids(n), increasing(n), tiny).budget());
    // 1.0 * 10 = 10: the whole log
    Plan all = plan(Strategy.RANDOM, 0.5, null, 1.0, null, Aggregation.MEAN, ONE_CHECKPOINT, 1, 0);
    assertEquals(10, Selector.pool(ids(n), increasing(n), all).budget());
  }

  @Test
  void budgetCountIsTakenAsIs() {
    int n = 10;
    Plan p = simple(Strategy.UNCERTAINTY, 0.5, null, 4);
    assertEquals(4, Selector.pool(ids(n), increasing(n), p).budget());
    // variance rank of idx s is s + 1; top 4 ranks 7..10 -> idx 6..9
    Result r = run(ids(n), increasing(n), p, Table.single(new double[n]));
    assertEquals(Set.of(6, 7, 8, 9), kept(r));
  }

  @Test
  void defaultBudgetIsGammaThenEtaPassingOfPassing() {
    // n = 8, 0.5/0.5: passing(8, .5) = 4 (ranks 5..8), passing(4, .5) = 2 -> 25%
    assertEquals(
        2, Selector.pool(ids(8), increasing(8), simple(Strategy.UGDA, 0.5, 0.5, null)).budget());
    // n = 9, 0.5/0.5: r/9 > .5 <=> r >= 5 -> 5; r/5 > .5 <=> r >= 3 -> 3 (not round(9 * 0.25) = 2)
    assertEquals(
        3, Selector.pool(ids(9), increasing(9), simple(Strategy.UGDA, 0.5, 0.5, null)).budget());
    // n = 10, gamma 0.3, eta 0.6: r/10 > .3 <=> r >= 4 -> 7; r/7 > .6 <=> r >= 5 (5/7 = .714,
    // 4/7 = .571) -> 3
    Pool p = Selector.pool(ids(10), increasing(10), simple(Strategy.UGDA, 0.3, 0.6, null));
    assertEquals(3, p.budget());
    assertEquals(7, p.trainSize());
    // the same budget applies to the other strategies
    assertEquals(
        3,
        Selector.pool(ids(10), increasing(10), simple(Strategy.RANDOM, 0.3, 0.6, null)).budget());
  }

  @Test
  void createSelectionDefaultsGiveUgdaGammaHalfEtaHalfMean() {
    CreateSelection req =
        new CreateSelection(
            UUID.randomUUID(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    Plan p = Plan.of(req, ONE_CHECKPOINT, 1);
    assertEquals(Strategy.UGDA, p.strategy());
    assertEquals(0.5, p.gamma(), 0.0);
    assertEquals(0.5, p.eta(), 0.0);
    assertEquals(Aggregation.MEAN, p.aggregation());
    assertEquals(InfluenceForm.PAPER, req.influence());
    assertEquals(0L, p.seed());
    // n = 8: 4 pass gamma, 2 pass eta of those (see defaultBudgetIsGammaThenEtaPassingOfPassing)
    assertEquals(2, Selector.pool(ids(8), increasing(8), p).budget());
  }

  @Test
  void budgetLargerThanTheLogIsRejectedForEveryStrategy() {
    for (Strategy s : Strategy.values()) {
      Plan p = simple(s, 0.0, null, 11);
      assertThrows(
          IllegalArgumentException.class,
          () -> Selector.pool(ids(10), increasing(10), p),
          s.toString());
    }
  }

  @Test
  void ugdaBudgetLargerThanWhatPassesGammaIsRejected() {
    // n = 10, gamma 0.5: 5 pass; a budget of 6 cannot be met from D_train
    assertThrows(
        IllegalArgumentException.class,
        () -> Selector.pool(ids(10), increasing(10), simple(Strategy.UGDA, 0.5, null, 6)));
    Plan frac = plan(Strategy.UGDA, 0.5, null, 0.6, null, Aggregation.MEAN, ONE_CHECKPOINT, 1, 0);
    assertThrows(
        IllegalArgumentException.class, () -> Selector.pool(ids(10), increasing(10), frac));
    // exactly 5 is fine
    assertEquals(
        5, Selector.pool(ids(10), increasing(10), simple(Strategy.UGDA, 0.5, null, 5)).budget());
    // the other strategies ignore gamma's pass count: 6 is fine
    assertEquals(
        6,
        Selector.pool(ids(10), increasing(10), simple(Strategy.GRADIENT, 0.5, null, 6)).budget());
  }

  @Test
  void gammaOnePassesNothingSoUgdaFails() {
    // gamma 1: r/n > 1 never holds -> D_train empty
    // default budget: passing(passing(10, 1), .5) = 0 -> nothing to keep
    assertThrows(
        IllegalArgumentException.class,
        () -> Selector.pool(ids(10), increasing(10), simple(Strategy.UGDA, 1.0, 0.5, null)));
    // an explicit budget of 1 is more than the 0 that pass
    assertThrows(
        IllegalArgumentException.class,
        () -> Selector.pool(ids(10), increasing(10), simple(Strategy.UGDA, 1.0, null, 1)));
  }

  @Test
  void gammaZeroPassesEverything() {
    int n = 5;
    Table t = Table.single(0.1, 0.2, 0.3, 0.4, 0.5);
    Result r = run(ids(n), increasing(n), simple(Strategy.UGDA, 0.0, null, n), t);
    assertArrayEquals(new boolean[] {true, true, true, true, true}, r.pool().passed());
    assertEquals(Set.of(0, 1, 2, 3, 4), t.askedRows());
    assertEquals(Set.of(0, 1, 2, 3, 4), kept(r));
    // effective eta 1 - 5/5 = 0
    assertEquals(0.0, r.effectiveEta(), EPS);
  }

  @Test
  void everyStrategyKeepsExactlyTheBudget() {
    int n = 10;
    double[] var = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0};
    double[] cos = {0.3, -0.2, 0.1, 0.9, -0.5, 0.4, 0.0, 0.6, -0.1, 0.2};
    for (Strategy s : Strategy.values()) {
      for (int k = 1; k <= 5; k++) { // 5 = what passes gamma 0.5 of 10
        Result r = run(ids(n), var, simple(s, 0.5, null, k), Table.single(cos));
        assertEquals(k, kept(r).size(), s + " budget " + k);
        assertEquals(k, r.keptSize(), s + " budget " + k);
      }
    }
  }

  @Test
  void ugdaKeepsOnlySamplesThatPassedTheUncertaintyFilter() {
    // variance rank of idx s is s + 1; gamma 0.5 passes idx 5..9.
    // cos = 1 - s/10 is highest for the LEAST uncertain samples, so the filter matters.
    int n = 10;
    double[] cos = new double[n];
    for (int s = 0; s < n; s++) {
      cos[s] = 1 - s / 10.0;
    }
    for (int k = 1; k <= 5; k++) {
      Table t = Table.single(cos);
      Result r = run(ids(n), increasing(n), simple(Strategy.UGDA, 0.5, null, k), t);
      assertEquals(Set.of(5, 6, 7, 8, 9), t.askedRows(), "budget " + k);
      for (int s : kept(r)) {
        assertTrue(r.pool().passed()[s], "budget " + k + " kept " + s);
      }
    }
    // budget 2: among idx 5..9 the highest cos are idx 5 (0.5) and 6 (0.4)
    Result ugda =
        run(ids(n), increasing(n), simple(Strategy.UGDA, 0.5, null, 2), Table.single(cos));
    assertEquals(Set.of(5, 6), kept(ugda));
    // gradient on the same log takes the overall top: idx 0 (1.0) and 1 (0.9)
    Result grad =
        run(ids(n), increasing(n), simple(Strategy.GRADIENT, 0.5, null, 2), Table.single(cos));
    assertEquals(Set.of(0, 1), kept(grad));
  }

  @Test
  void randomIsReproducibleForTheSameSeedAndDiffersForAnother() {
    int n = 20;
    Plan seven = plan(Strategy.RANDOM, 0.5, null, null, 5, Aggregation.MEAN, ONE_CHECKPOINT, 1, 7);
    Plan eight = plan(Strategy.RANDOM, 0.5, null, null, 5, Aggregation.MEAN, ONE_CHECKPOINT, 1, 8);
    Table t = Table.single(new double[n]);
    Set<Integer> a = kept(run(ids(n), increasing(n), seven, t));
    Set<Integer> b = kept(run(ids(n), increasing(n), seven, t));
    Set<Integer> c = kept(run(ids(n), increasing(n), eight, t));
    assertEquals(5, a.size());
    assertEquals(a, b);
    assertNotEquals(a, c);
    // random asks for no features
    assertTrue(t.checkpoints.isEmpty());
  }

  @Test
  void zeroGradientScoresZeroNotNaN() {
    // a real Directions-backed source: one subtask with one validation example (3, 0): paper
    // direction (1, 0)
    //   row 0: g = (2, 0)  -> cos 1
    //   row 1: g = (0, 0)  -> cos 0 (zero gradient)
    //   row 2: g = (-1, 1) -> cos -1/sqrt(2) = -0.70710678
    // weight 0.5: influences 0.5, 0, -0.35355339; ranks 3, 2, 1; budget 2 keeps rows 0, 1
    float[][] w = {new Directions.Builder(InfluenceForm.PAPER, 2).add(new float[] {3, 0}).build()};
    float[][] g = {{2, 0}, {0, 0}, {-1, 1}};
    CosineSource source =
        (checkpoint, rows, sink) -> {
          for (int row : rows) {
            double[] out = new double[1];
            Directions.score(g[row], w, out);
            sink.accept(row, out);
          }
        };
    Plan p = plan(Strategy.UGDA, 0.0, null, null, 2, Aggregation.MEAN, new double[] {0.5}, 1, 0);
    Result r = run(new long[] {1, 2, 3}, new double[] {0.1, 0.2, 0.3}, p, source);
    assertEquals(0.0, r.cosines()[1][0][0], 0.0);
    assertEquals(0.0, r.influence()[1][0], 0.0);
    assertEquals(0.0, r.aggregate()[1], 0.0);
    assertArrayEquals(new double[] {0.5, 0.0, -0.35355339}, r.aggregate(), 1e-6);
    for (double a : r.aggregate()) {
      assertFalse(Double.isNaN(a));
    }
    assertArrayEquals(new int[] {3, 2, 1}, r.influenceRank());
    assertEquals(Set.of(0, 1), kept(r));
  }

  @Test
  void sourceThatSkipsARowIsAnError() {
    CosineSource lazy = (checkpoint, rows, sink) -> sink.accept(rows[0], new double[] {0.1});
    assertThrows(
        IllegalStateException.class,
        () -> run(ids(3), increasing(3), simple(Strategy.UGDA, 0.0, null, 1), lazy));
  }

  @Test
  void sourceWithWrongSubtaskCountIsAnError() {
    CosineSource two =
        (checkpoint, rows, sink) -> {
          for (int row : rows) {
            sink.accept(row, new double[] {0.1, 0.2});
          }
        };
    assertThrows(
        IllegalStateException.class,
        () -> run(ids(3), increasing(3), simple(Strategy.UGDA, 0.0, null, 1), two));
  }

  @Test
  void emptyLogIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Selector.pool(new long[0], new double[0], simple(Strategy.RANDOM, 0.5, null, 1)));
  }
}
