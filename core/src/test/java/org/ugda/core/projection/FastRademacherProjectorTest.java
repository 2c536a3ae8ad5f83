package org.ugda.core.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 matmul projector against the exact one: the same matrix entry by entry, and every
 * coordinate within {@link FastRademacherProjector#TOLERANCE} of the exact row's norm.
 */
class FastRademacherProjectorTest {

  static float[] gaussian(int n, long seed, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) (std * r.nextGaussian());
    }
    return g;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /**
   * Every coordinate of {@code actual} within TOLERANCE * ||expected||; returns the worst ratio.
   */
  static double assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double bound = FastRademacherProjector.TOLERANCE * norm(expected);
    double worst = 0;
    for (int j = 0; j < expected.length; j++) {
      double err = Math.abs((double) actual[j] - expected[j]);
      assertTrue(
          err <= bound,
          what
              + " coordinate "
              + j
              + ": exact "
              + expected[j]
              + ", fast "
              + actual[j]
              + ", bound "
              + bound);
      worst = Math.max(worst, bound == 0 ? 0 : err / bound);
    }
    return worst;
  }

  @Test
  void shouldGenerateExactlyTheExactProjectorsSigns() {
    for (int p : new int[] {1, 7, 8, 9, 63, 130}) {
      for (int d : new int[] {8, 64}) {
        RademacherProjector exact = new RademacherProjector(p, d, 77, 1);
        FastRademacherProjector fast = new FastRademacherProjector(exact, 16);
        for (int r0 = 0; r0 < p; r0 += 16) {
          int rows = Math.min(16, p - r0);
          float[] block = new float[d * rows];
          fast.fillTransposed(block, r0, rows);
          for (int j = 0; j < d; j++) {
            for (int r = 0; r < rows; r++) {
              assertEquals(
                  exact.sign(r0 + r, j),
                  block[j * rows + r],
                  "P=" + p + " d=" + d + " row " + (r0 + r) + " col " + j);
            }
          }
        }
      }
    }
  }

  @Test
  void shouldEqualTheExactProjectorWithinFloatTolerance() {
    double worst = 0;
    // the benchmark's P, one not a multiple of 8 or of the block, every allowed d
    for (int p : new int[] {14336, 4099}) {
      for (int d : new int[] {1024, 2048, 4096, 8192}) {
        RademacherProjector exact = new RademacherProjector(p, d, 42 + d, 1);
        float[][] gs = {
          gaussian(p, p + d, 1), gaussian(p, p + d + 1, 1e-3), gaussian(p, p + d + 2, 50), null
        };
        gs[3] = gaussian(p, 9, 1);
        for (int i = 0; i < p; i += 3) {
          gs[3][i] *= 1e4f; // mixed magnitudes
        }
        float[][] want = exact.project(gs);
        for (int rows : new int[] {FastRademacherProjector.DEFAULT_ROWS_PER_BLOCK, 1000}) {
          float[][] got = new FastRademacherProjector(exact, rows).project(gs);
          for (int s = 0; s < gs.length; s++) {
            worst =
                Math.max(
                    worst,
                    assertClose(
                        want[s], got[s], "P=" + p + " d=" + d + " rows=" + rows + " s=" + s));
          }
        }
      }
    }
    System.out.printf("fast vs exact: worst |error| / (TOLERANCE ||y||) = %.4f%n", worst);
  }

  @Test
  void shouldGiveARowTheSameResultWhateverChunkItIsProjectedIn() {
    int p = 14336;
    RademacherProjector exact = new RademacherProjector(p, 2048, 5, 1);
    FastRademacherProjector fast = new FastRademacherProjector(exact);
    float[][] gs = new float[7][];
    for (int s = 0; s < gs.length; s++) {
      gs[s] = gaussian(p, 100 + s, 1);
    }
    float[][] all = fast.project(gs);
    float[][] want = exact.project(gs);
    int identical = 0;
    for (int s = 0; s < gs.length; s++) {
      float[] alone = fast.project(gs[s]);
      float[][] pair = fast.project(new float[][] {gs[s], gs[(s + 1) % gs.length]});
      assertClose(want[s], alone, "alone " + s);
      assertClose(want[s], all[s], "in 7 " + s);
      assertClose(want[s], pair[0], "in 2 " + s);
      assertClose(all[s], alone, "alone vs in 7, row " + s);
      identical += java.util.Arrays.equals(all[s], alone) ? 1 : 0;
    }
    System.out.println("rows bit-identical alone and in a chunk of 7: " + identical + " of 7");
  }

  @Test
  void shouldMapZeroToZeroAndRejectBadInput() {
    RademacherProjector exact = new RademacherProjector(100, 1024, 1, 1);
    FastRademacherProjector fast = new FastRademacherProjector(exact);
    assertArrayEquals(new float[1024], fast.project(new float[100]));
    assertEquals(0, fast.project(new float[0][]).length);
    var e = assertThrows(IllegalArgumentException.class, () -> fast.project(new float[101]));
    assertTrue(e.getMessage().contains("101") && e.getMessage().contains("100"));
    assertThrows(IllegalArgumentException.class, () -> new FastRademacherProjector(exact, 12));
  }
}
