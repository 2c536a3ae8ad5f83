package org.ugda.core.projection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ugda.core.tensor.Rng;

/**
 * Random projection of P-long gradients to d dimensions, y = Pi^T g / sqrt(d), with a Rademacher
 * matrix Pi (entries +-1) that is never materialised (for P = 10^6 and d = 8192 it would be 8e9
 * entries): each 64-bit word of it is generated from the seed when needed (DESIGN.md 3.4).
 *
 * <p><b>The matrix, exactly.</b> Rows are taken in groups of 8 (row group G holds rows 8G..8G+7),
 * columns in blocks of 8. For group G and column block w, let word = SplitMix64 output number n = G
 * * (d/8) + w of the stream seeded with {@code seed}, that is mix64(seed + (n + 1) *
 * 0x9E3779B97F4A7C15). Byte c of the word (c = 0 is the least significant) covers column 8w + c;
 * its bit k is the sign of row 8G + k in that column: 1 is +1, 0 is -1. The same seed gives the
 * same matrix in every process and on every machine, and a block of it can be produced without the
 * rest.
 *
 * <p><b>The product.</b> For one group, the 8 gradient values g_8G..g_8G+7 take 256 signed sums,
 * one per byte value (a table built with 256 additions); every column then adds one table entry: d
 * look-ups per 8 rows instead of 8d multiply-adds. Signs are generated once per group and shared by
 * every sample of a batch; extra memory is one double[d] per sample.
 */
public final class RademacherProjector {

  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private final long paramCount;
  private final int dim;
  private final long seed;
  private final int threads;

  /**
   * @param paramCount P, the length of the gradients
   * @param dim d, a positive multiple of 8
   * @param seed fixes Pi
   * @param threads workers splitting the columns (1 = the calling thread only)
   */
  public RademacherProjector(long paramCount, int dim, long seed, int threads) {
    if (paramCount <= 0) {
      throw new IllegalArgumentException("gradient length P must be positive, got " + paramCount);
    }
    if (dim <= 0 || dim % 8 != 0) {
      throw new IllegalArgumentException(
          "projection dimension d must be a positive multiple of 8, got " + dim);
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.paramCount = paramCount;
    this.dim = dim;
    this.seed = seed;
    this.threads = threads;
  }

  public int dim() {
    return dim;
  }

  public long paramCount() {
    return paramCount;
  }

  public long seed() {
    return seed;
  }

  /** The sign of entry (row, col) of Pi: +1 or -1 (for tests and documentation). */
  public int sign(long row, int col) {
    long group = row / 8;
    int bit = (int) (row % 8);
    long n = group * (dim / 8) + col / 8;
    long word = word(n);
    int b = (int) ((word >>> (8 * (col % 8))) & 0xFF);
    return ((b >>> bit) & 1) == 1 ? 1 : -1;
  }

  private long word(long n) {
    return Rng.mix(seed + (n + 1) * GAMMA);
  }

  /** Projects one gradient. */
  public float[] project(float[] gradient) {
    return project(new float[][] {gradient})[0];
  }

  /** Projects a batch of gradients, each of length P; signs are generated once for the batch. */
  public float[][] project(float[][] gradients) {
    for (float[] g : gradients) {
      if (g.length != paramCount) {
        throw new IllegalArgumentException(
            "gradient has " + g.length + " values, the projector expects P = " + paramCount);
      }
    }
    int n = gradients.length;
    double[][] acc = new double[n][dim];
    int blocks = dim / 8;
    if (threads == 1 || blocks < 2 * threads) {
      accumulate(gradients, acc, 0, blocks);
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> parts = new ArrayList<>();
        int per = (blocks + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
          int from = t * per;
          int to = Math.min(blocks, from + per);
          if (from < to) {
            parts.add(pool.submit(() -> accumulate(gradients, acc, from, to)));
          }
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("projection interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("projection failed: " + e.getCause(), e.getCause());
      } finally {
        pool.shutdownNow();
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

  /** Adds the contribution of every row group to columns [8*fromBlock, 8*toBlock). */
  private void accumulate(float[][] g, double[][] acc, int fromBlock, int toBlock) {
    int n = g.length;
    int width = toBlock - fromBlock;
    long[] words = new long[width];
    double[] table = new double[256];
    long groups = (paramCount + 7) / 8;
    int blocksPerGroup = dim / 8;
    for (long grp = 0; grp < groups; grp++) {
      long base = grp * blocksPerGroup;
      for (int w = 0; w < width; w++) {
        words[w] = word(base + fromBlock + w);
      }
      int row0 = (int) (grp * 8);
      int rowsHere = (int) Math.min(8, paramCount - row0);
      for (int s = 0; s < n; s++) {
        float[] gs = g[s];
        double total = 0;
        for (int k = 0; k < rowsHere; k++) {
          total += gs[row0 + k];
        }
        if (total == 0 && allZero(gs, row0, rowsHere)) {
          continue;
        }
        // table[b] = sum_k (bit k of b ? +g_k : -g_k)
        table[0] = -total;
        for (int b = 1; b < 256; b++) {
          int low = Integer.numberOfTrailingZeros(b);
          double gk = low < rowsHere ? gs[row0 + low] : 0.0;
          table[b] = table[b & (b - 1)] + 2 * gk;
        }
        double[] y = acc[s];
        int col = fromBlock * 8;
        for (int w = 0; w < width; w++, col += 8) {
          long word = words[w];
          y[col] += table[(int) (word & 0xFF)];
          y[col + 1] += table[(int) ((word >>> 8) & 0xFF)];
          y[col + 2] += table[(int) ((word >>> 16) & 0xFF)];
          y[col + 3] += table[(int) ((word >>> 24) & 0xFF)];
          y[col + 4] += table[(int) ((word >>> 32) & 0xFF)];
          y[col + 5] += table[(int) ((word >>> 40) & 0xFF)];
          y[col + 6] += table[(int) ((word >>> 48) & 0xFF)];
          y[col + 7] += table[(int) (word >>> 56)];
        }
      }
    }
  }

  private static boolean allZero(float[] g, int from, int count) {
    for (int k = 0; k < count; k++) {
      if (g[from + k] != 0) {
        return false;
      }
    }
    return true;
  }
}
