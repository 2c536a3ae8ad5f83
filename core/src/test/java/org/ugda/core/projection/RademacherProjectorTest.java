package org.ugda.core.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RademacherProjectorTest {

  static float[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) r.nextGaussian();
    }
    return g;
  }

  @Test
  void shouldEqualTheExplicitMatrixProduct() {
    int p = 1003; // not a multiple of 8: the last row group is partial
    int d = 64;
    RademacherProjector proj = new RademacherProjector(p, d, 42, 1);
    float[] g = gaussian(p, 1);
    float[] y = proj.project(g);
    for (int j = 0; j < d; j++) {
      double s = 0;
      for (int i = 0; i < p; i++) {
        s += proj.sign(i, j) * (double) g[i];
      }
      assertEquals(s / Math.sqrt(d), y[j], 1e-4);
    }
  }

  @Test
  void shouldBeTheSameMatrixForTheSameSeedAndAnotherForAnother() {
    float[] g = gaussian(5000, 2);
    float[] a = new RademacherProjector(5000, 128, 7, 1).project(g);
    float[] b = new RademacherProjector(5000, 128, 7, 2).project(g);
    float[] c = new RademacherProjector(5000, 128, 8, 1).project(g);
    assertArrayEquals(a, b, "threads change nothing");
    assertFalse(Arrays.equals(a, c));
    int plus = 0;
    RademacherProjector p = new RademacherProjector(5000, 128, 7, 1);
    for (int i = 0; i < 5000; i++) {
      plus += p.sign(i, i % 128) > 0 ? 1 : 0;
    }
    assertTrue(Math.abs(plus - 2500) < 200, "signs are balanced: " + plus);
  }

  @Test
  void shouldProjectABatchAsItProjectsEachSample() {
    float[][] gs = {gaussian(3000, 3), gaussian(3000, 4), new float[3000]};
    RademacherProjector p = new RademacherProjector(3000, 256, 9, 1);
    float[][] batch = p.project(gs);
    for (int i = 0; i < gs.length; i++) {
      assertArrayEquals(p.project(gs[i]), batch[i]);
    }
    assertArrayEquals(new float[256], batch[2], "zero in, zero out");
  }

  @Test
  void shouldRoughlyPreserveNormsAndAngles() {
    int p = 20000;
    RademacherProjector proj = new RademacherProjector(p, 2048, 3, 1);
    float[] a = gaussian(p, 5);
    float[] b = a.clone();
    SplittableRandom r = new SplittableRandom(6);
    for (int i = 0; i < p; i++) {
      b[i] += (float) r.nextGaussian();
    }
    float[][] y = proj.project(new float[][] {a, b});
    assertEquals(1.0, norm(y[0]) / norm(a), 0.1);
    assertEquals(cos(a, b), cos(y[0], y[1]), 0.05);
  }

  @Test
  void shouldBeBitIdenticalToTheReferenceKernel() {
    // partial last groups, whole zero groups (skipped), a -0 group, NaN, several thread counts
    for (int p : new int[] {1, 7, 8, 9, 63, 64, 65, 1003, 4099}) {
      for (int d : new int[] {8, 64, 1024}) {
        float[][] gs = {gaussian(p, p), gaussian(p, p + 1), new float[p], gaussian(p, p + 2)};
        for (int i = 0; i < Math.min(p, 24); i++) {
          gs[1][i] = 0f;
        }
        if (p > 20) {
          gs[3][17] = -0f;
          gs[3][16] = 0f;
          gs[3][3] = Float.NaN;
          gs[0][p - 1] = 1e30f;
        }
        float[][] ref = ReferenceProjection.project(p, d, 99, gs);
        for (int threads : new int[] {1, 2, 3}) {
          float[][] got = new RademacherProjector(p, d, 99, threads).project(gs);
          for (int s = 0; s < gs.length; s++) {
            assertArrayEquals(ref[s], got[s], "P=" + p + " d=" + d + " threads=" + threads);
          }
        }
      }
    }
  }

  @Test
  void shouldRejectBadShapes() {
    assertThrows(IllegalArgumentException.class, () -> new RademacherProjector(10, 12, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new RademacherProjector(0, 16, 1, 1));
    RademacherProjector p = new RademacherProjector(10, 16, 1, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.project(new float[11]));
    assertTrue(e.getMessage().contains("11") && e.getMessage().contains("10"));
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  static double cos(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s / norm(a) / norm(b);
  }
}
