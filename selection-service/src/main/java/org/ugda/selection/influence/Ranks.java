package org.ugda.selection.influence;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Ranks and rank fractions as Eq. 9 and the influence cut use them. Rank 1 is the smallest value,
 * rank n the largest; equal values rank by id, the smaller id (the earlier logged sample) lower, so
 * a tie never depends on the order samples arrive in. A rank r of n passes a cut c when r / n > c:
 * c = 0 passes everything, c = 1 nothing, c = 0.5 the upper half (n - floor(n/2) of n).
 */
public final class Ranks {
  private Ranks() {}

  /**
   * The rank (1..n) of each value; {@code ids} break ties.
   *
   * @throws IllegalArgumentException for a value that is not finite
   */
  public static int[] ascending(double[] values, long[] ids) {
    int n = values.length;
    if (ids.length != n) {
      throw new IllegalArgumentException(n + " values but " + ids.length + " ids");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("sample " + ids[i] + " has a non-finite value");
      }
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.<Integer>comparingDouble(i -> values[i]).thenComparingLong(i -> ids[i]));
    int[] rank = new int[n];
    for (int r = 0; r < n; r++) {
      rank[order[r]] = r + 1;
    }
    return rank;
  }

  /** Whether rank {@code r} of {@code n} passes cut {@code c}: r / n > c. */
  public static boolean passes(int r, int n, double c) {
    return (double) r / n > c;
  }

  /** How many of ranks 1..n pass cut {@code c}. */
  public static int passing(int n, double c) {
    int k = 0;
    for (int r = n; r >= 1 && passes(r, n, c); r--) {
      k++;
    }
    return k;
  }
}
