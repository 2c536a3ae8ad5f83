package org.ugda.selection.influence;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ugda.api.selection.Aggregation;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.Strategy;

/**
 * The selection of DESIGN.md section 3, steps 3-5, on a log already read: Eq. 9's uncertainty
 * filter, the influence sum of Eq. 10-11 over checkpoints, the aggregation over subtasks (mean or
 * Eq. 12's max) and each strategy's pick of exactly the budget. Features come from a {@link
 * CosineSource} one checkpoint at a time, only for the samples the strategy ranks by influence: the
 * selection holds per sample a few numbers (variance, ranks, one cosine per checkpoint and
 * subtask), never a feature beyond the batch the source is scoring.
 */
public final class Selector {

  /** Scores the samples {@code rows} (indices into the log) at checkpoint {@code checkpoint}. */
  @FunctionalInterface
  public interface CosineSource {
    /**
     * Calls {@code sink} once per row with its cosine-like score per subtask (see {@link
     * Directions}); any order, any batching.
     */
    void cosines(int checkpoint, int[] rows, CosineSink sink);
  }

  /** Receives one sample's scores per subtask; the array is the sink's to keep. */
  @FunctionalInterface
  public interface CosineSink {
    void accept(int row, double[] perSubtask);
  }

  /**
   * What one selection needs besides the log.
   *
   * @param weights eta-bar_i per checkpoint (Eq. 10)
   * @param subtasks the validation subtasks' count
   */
  public record Plan(
      Strategy strategy,
      double gamma,
      Double eta,
      Double budgetFraction,
      Integer budgetCount,
      Aggregation aggregation,
      double[] weights,
      int subtasks,
      long seed) {

    public static Plan of(CreateSelection r, double[] weights, int subtasks) {
      return new Plan(
          r.strategy(),
          r.gamma(),
          r.eta(),
          r.budgetFraction(),
          r.budgetCount(),
          r.aggregation(),
          weights,
          subtasks,
          r.seed());
    }
  }

  /**
   * The samples the strategy ranks and how many it keeps, decided from the variances alone.
   *
   * @param varianceRank per sample, 1..n
   * @param passed per sample, whether its variance rank passes gamma
   * @param influenceRows the samples whose features the strategy needs, ascending
   * @param trainSize |D_train|
   * @param budget |D'_train|
   */
  public record Pool(
      int[] varianceRank, boolean[] passed, int[] influenceRows, int trainSize, int budget) {}

  /**
   * The result per sample. {@code cosines[s][i][j]} and {@code influence[s][j]} are null for a
   * sample the strategy took no features of, as are {@code aggregate[s]} (NaN) and {@code
   * influenceRank[s]} (0).
   */
  public record Result(
      Pool pool,
      double[][][] cosines,
      double[][] influence,
      double[] aggregate,
      int[] influenceRank,
      boolean[] kept,
      int keptSize,
      Double effectiveEta) {}

  private Selector() {}

  /**
   * The budget and the pool of {@code plan} on a log of these variances.
   *
   * @throws IllegalArgumentException when the budget is larger than the log or than what passes
   *     gamma, or when nothing would be kept
   */
  public static Pool pool(long[] ids, double[] variance, Plan plan) {
    int n = variance.length;
    Sizes sizes = sizes(n, plan);
    int[] rank = Ranks.ascending(variance, ids);
    boolean[] passed = new boolean[n];
    for (int s = 0; s < n; s++) {
      passed[s] = Ranks.passes(rank[s], n, plan.gamma());
    }
    int[] rows =
        switch (plan.strategy()) {
          case UGDA -> indices(passed, true);
          case GRADIENT -> all(n);
          case UNCERTAINTY, RANDOM -> new int[0];
        };
    return new Pool(rank, passed, rows, sizes.trainSize(), sizes.budget());
  }

  /**
   * |D_train| and |D'_train| of a plan on a log of {@code n} samples.
   *
   * @param trainSize the pool the strategy picks from (what passes gamma for ugda; the whole log
   *     for gradient and random; the budget itself for uncertainty, whose pick is its filter)
   * @param budget what is kept
   */
  public record Sizes(int trainSize, int budget) {}

  /**
   * The sizes of {@code plan} on a log of {@code n} samples; they depend on {@code n} alone
   * (variance ranks are 1..n, ties broken), so a selection can be refused before its log is read.
   *
   * @throws IllegalArgumentException when the log is empty, the budget is larger than the log or
   *     (ugda) than what passes gamma, or when nothing would be kept
   */
  public static Sizes sizes(int n, Plan plan) {
    if (n == 0) {
      throw new IllegalArgumentException("the run's log is empty: there is nothing to select from");
    }
    int passing = Ranks.passing(n, plan.gamma());
    int budget = budget(n, plan);
    if (budget > n) {
      throw new IllegalArgumentException(
          "a budget of " + budget + " samples is larger than the run's log of " + n + " samples");
    }
    if (budget < 1) {
      throw new IllegalArgumentException(
          "gamma "
              + plan.gamma()
              + " and eta "
              + plan.eta()
              + " keep nothing of a log of "
              + n
              + " samples; lower them or give a budget");
    }
    return switch (plan.strategy()) {
      case UGDA -> {
        if (budget > passing) {
          throw new IllegalArgumentException(
              "a budget of "
                  + budget
                  + " samples is more than the "
                  + passing
                  + " that pass gamma = "
                  + plan.gamma()
                  + "; lower gamma or the budget");
        }
        yield new Sizes(passing, budget);
      }
      case GRADIENT, RANDOM -> new Sizes(n, budget);
      case UNCERTAINTY -> new Sizes(budget, budget);
    };
  }

  /** The budget as a count: the fraction or count given, else what gamma then eta keep. */
  static int budget(int n, Plan plan) {
    if (plan.budgetCount() != null) {
      return plan.budgetCount();
    }
    if (plan.budgetFraction() != null) {
      return Math.max(1, (int) Math.round(plan.budgetFraction() * n));
    }
    int train = Ranks.passing(n, plan.gamma());
    return train == 0 ? 0 : Ranks.passing(train, plan.eta());
  }

  /** Runs the selection: the influence of the pool (if the strategy uses it), then the pick. */
  public static Result select(long[] ids, Pool pool, Plan plan, CosineSource source) {
    int n = ids.length;
    int checkpoints = plan.weights().length;
    double[][][] cos = new double[n][][];
    if (pool.influenceRows().length > 0) {
      for (int s : pool.influenceRows()) {
        cos[s] = new double[checkpoints][];
      }
      for (int i = 0; i < checkpoints; i++) {
        int ci = i;
        source.cosines(
            i,
            pool.influenceRows(),
            (row, per) -> {
              if (per.length != plan.subtasks()) {
                throw new IllegalStateException(
                    per.length + " scores for " + plan.subtasks() + " subtasks");
              }
              cos[row][ci] = per;
            });
        for (int s : pool.influenceRows()) {
          if (cos[s][ci] == null) {
            throw new IllegalStateException("no features came for sample " + ids[s]);
          }
        }
      }
    }
    double[][] influence = new double[n][];
    double[] aggregate = new double[n];
    Arrays.fill(aggregate, Double.NaN);
    for (int s : pool.influenceRows()) {
      influence[s] = influence(cos[s], plan.weights(), plan.subtasks());
      aggregate[s] = aggregate(influence[s], plan.aggregation());
    }
    int[] influenceRank = new int[n];
    boolean[] kept = new boolean[n];
    int k = pool.budget();
    switch (plan.strategy()) {
      case UGDA, GRADIENT -> {
        int[] rows = pool.influenceRows();
        double[] agg = new double[rows.length];
        long[] rowIds = new long[rows.length];
        for (int t = 0; t < rows.length; t++) {
          agg[t] = aggregate[rows[t]];
          rowIds[t] = ids[rows[t]];
        }
        int[] r = Ranks.ascending(agg, rowIds);
        for (int t = 0; t < rows.length; t++) {
          influenceRank[rows[t]] = r[t];
          kept[rows[t]] = r[t] > rows.length - k;
        }
      }
      case UNCERTAINTY -> {
        for (int s = 0; s < n; s++) {
          kept[s] = pool.varianceRank()[s] > n - k;
        }
      }
      case RANDOM -> {
        SplittableRandom rnd = new SplittableRandom(plan.seed());
        int[] order = all(n);
        for (int t = 0; t < k; t++) {
          int j = t + rnd.nextInt(n - t);
          int x = order[t];
          order[t] = order[j];
          order[j] = x;
          kept[order[t]] = true;
        }
      }
      default -> throw new IllegalStateException(plan.strategy().toString());
    }
    Double effectiveEta =
        plan.strategy() == Strategy.UGDA ? 1 - (double) k / pool.trainSize() : null;
    return new Result(pool, cos, influence, aggregate, influenceRank, kept, k, effectiveEta);
  }

  /** Eq. 10: per subtask j, sum over checkpoints i of eta-bar_i * cos_ij. */
  static double[] influence(double[][] cos, double[] weights, int subtasks) {
    double[] out = new double[subtasks];
    for (int i = 0; i < weights.length; i++) {
      for (int j = 0; j < subtasks; j++) {
        out[j] += weights[i] * cos[i][j];
      }
    }
    return out;
  }

  /** The subtasks' influences as one score: their mean, or their max (Eq. 12). */
  static double aggregate(double[] perSubtask, Aggregation a) {
    double acc = a == Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
    for (double v : perSubtask) {
      acc = a == Aggregation.MAX ? Math.max(acc, v) : acc + v;
    }
    return a == Aggregation.MAX ? acc : acc / perSubtask.length;
  }

  private static int[] indices(boolean[] flags, boolean want) {
    int c = 0;
    for (boolean f : flags) {
      if (f == want) {
        c++;
      }
    }
    int[] out = new int[c];
    int t = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] == want) {
        out[t++] = i;
      }
    }
    return out;
  }

  private static int[] all(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
