package org.ugda.core.projection;

import org.ugda.core.tensor.Rng;

/**
 * The projection as first written (one row group at a time, every column read and written per
 * group), kept as the bit-for-bit reference of {@link RademacherProjector}'s faster kernel.
 */
final class ReferenceProjection {
  private ReferenceProjection() {}

  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  static float[][] project(long paramCount, int dim, long seed, float[][] g) {
    int n = g.length;
    double[][] acc = new double[n][dim];
    int blocks = dim / 8;
    long[] words = new long[blocks];
    double[] table = new double[256];
    long groups = (paramCount + 7) / 8;
    for (long grp = 0; grp < groups; grp++) {
      long base = grp * blocks;
      for (int w = 0; w < blocks; w++) {
        words[w] = Rng.mix(seed + (base + w + 1) * GAMMA);
      }
      int row0 = (int) (grp * 8);
      int rowsHere = (int) Math.min(8, paramCount - row0);
      for (int s = 0; s < n; s++) {
        float[] gs = g[s];
        double total = 0;
        for (int k = 0; k < rowsHere; k++) {
          total += gs[row0 + k];
        }
        boolean zero = true;
        for (int k = 0; k < rowsHere; k++) {
          zero &= gs[row0 + k] == 0;
        }
        if (total == 0 && zero) {
          continue;
        }
        table[0] = -total;
        for (int b = 1; b < 256; b++) {
          int low = Integer.numberOfTrailingZeros(b);
          double gk = low < rowsHere ? gs[row0 + low] : 0.0;
          table[b] = table[b & (b - 1)] + 2 * gk;
        }
        double[] y = acc[s];
        for (int w = 0, col = 0; w < blocks; w++, col += 8) {
          long word = words[w];
          for (int c = 0; c < 8; c++) {
            y[col + c] += table[(int) ((word >>> (8 * c)) & 0xFF)];
          }
        }
      }
    }
    double scale = 1.0 / Math.sqrt(dim);
    float[][] out = new float[n][dim];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < dim; j++) {
        out[s][j] = (float) (acc[s][j] * scale);
      }
    }
    return out;
  }
}
