package org.ugda.selection.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Eq. 9's ranks and rank-fraction cut on hand-computed cases. */
class RanksTest {

  @Test
  void ranksAscendingOneToNSmallestValueRankOne() {
    // values 0.3, 0.1, 0.5, 0.2 sorted ascending: 0.1 (idx 1), 0.2 (idx 3), 0.3 (idx 0), 0.5 (idx
    // 2)
    // so idx 0 -> 3, idx 1 -> 1, idx 2 -> 4, idx 3 -> 2
    int[] r = Ranks.ascending(new double[] {0.3, 0.1, 0.5, 0.2}, new long[] {10, 11, 12, 13});
    assertArrayEquals(new int[] {3, 1, 4, 2}, r);
  }

  @Test
  void tiesBrokenByRolloutIdAscendingSmallerIdRanksLower() {
    // values 0.2, 0.2, 0.1, 0.2 with ids 30, 10, 20, 5 (ids deliberately not in index order):
    // 0.1 (idx 2) -> rank 1; the three 0.2s order by id 5 (idx 3), 10 (idx 1), 30 (idx 0)
    // -> ranks 2, 3, 4. So idx 0 -> 4, idx 1 -> 3, idx 2 -> 1, idx 3 -> 2.
    int[] r = Ranks.ascending(new double[] {0.2, 0.2, 0.1, 0.2}, new long[] {30, 10, 20, 5});
    assertArrayEquals(new int[] {4, 3, 1, 2}, r);
  }

  @Test
  void tieBreakByIdDoesNotDependOnArrivalOrder() {
    // the same samples as above in reverse order: id 5 -> 2, id 20 -> 1, id 10 -> 3, id 30 -> 4
    int[] r = Ranks.ascending(new double[] {0.2, 0.1, 0.2, 0.2}, new long[] {5, 20, 10, 30});
    assertArrayEquals(new int[] {2, 1, 3, 4}, r);
  }

  @Test
  void eq9PassRuleIsRankOverNStrictlyAboveGamma() {
    // n = 4, gamma = 0.5: 1/4 = 0.25, 2/4 = 0.5 (not > 0.5), 3/4 = 0.75, 4/4 = 1 -> ranks 3, 4 pass
    assertFalse(Ranks.passes(1, 4, 0.5));
    assertFalse(Ranks.passes(2, 4, 0.5));
    assertTrue(Ranks.passes(3, 4, 0.5));
    assertTrue(Ranks.passes(4, 4, 0.5));
    // n = 10, gamma = 0.7: 7/10 = 0.7 is not > 0.7, 8/10 is
    assertFalse(Ranks.passes(7, 10, 0.7));
    assertTrue(Ranks.passes(8, 10, 0.7));
  }

  @Test
  void passingCountsTheUpperRanks() {
    // n = 4, 0.5: ranks 3, 4 -> 2
    assertEquals(2, Ranks.passing(4, 0.5));
    // n = 5, 0.5: 3/5 = 0.6 > 0.5, 2/5 = 0.4 -> ranks 3, 4, 5 -> 3 (n - floor(n/2))
    assertEquals(3, Ranks.passing(5, 0.5));
    // n = 10, 0.3: r/10 > 0.3 <=> r >= 4 -> ranks 4..10 -> 7
    assertEquals(7, Ranks.passing(10, 0.3));
    // n = 1, 0.5: 1/1 = 1 > 0.5 -> 1
    assertEquals(1, Ranks.passing(1, 0.5));
  }

  @Test
  void gammaZeroPassesEverything() {
    // r/n >= 1/n > 0 for every r in 1..n
    for (int r = 1; r <= 7; r++) {
      assertTrue(Ranks.passes(r, 7, 0.0));
    }
    assertEquals(7, Ranks.passing(7, 0.0));
  }

  @Test
  void gammaOnePassesNothing() {
    // r/n <= 1 is never > 1, not even r = n
    for (int r = 1; r <= 7; r++) {
      assertFalse(Ranks.passes(r, 7, 1.0));
    }
    assertEquals(0, Ranks.passing(7, 1.0));
  }

  @Test
  void nonFiniteValueIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Ranks.ascending(new double[] {0.1, Double.NaN}, new long[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Ranks.ascending(new double[] {Double.POSITIVE_INFINITY}, new long[] {1}));
  }

  @Test
  void idsMustMatchValues() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Ranks.ascending(new double[] {0.1, 0.2}, new long[] {1}));
  }
}
