package org.ugda.core.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from one row of logits, as transformers' warpers do (in Java). */
final class Sampler {
  private Sampler() {}

  static int next(float[] logits, int offset, int vocab, GenerationConfig c, SplittableRandom rng) {
    if (c.temperature() == 0) {
      return argmax(logits, offset, vocab);
    }
    double[] s = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      s[i] = logits[offset + i] / c.temperature();
    }
    if (c.topK() > 0 && c.topK() < vocab) {
      double[] sorted = s.clone();
      Arrays.sort(sorted);
      double kth = sorted[vocab - c.topK()];
      for (int i = 0; i < vocab; i++) {
        if (s[i] < kth) {
          s[i] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    if (c.topP() < 1) {
      topP(s, c.topP());
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      p[i] = s[i] == Double.NEGATIVE_INFINITY ? 0 : StrictMath.exp(s[i] - max);
      sum += p[i];
    }
    double u = rng.nextDouble() * sum;
    double acc = 0;
    int last = -1;
    for (int i = 0; i < vocab; i++) {
      if (p[i] > 0) {
        acc += p[i];
        last = i;
        if (u < acc) {
          return i;
        }
      }
    }
    return last;
  }

  /**
   * Removes, from the least likely up, tokens whose cumulative probability stays at or below 1 -
   * topP; the most likely token always survives (transformers' TopPLogitsWarper).
   */
  private static void topP(double[] s, double topP) {
    int n = s.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(s[x], s[y]));
    double max = s[order[n - 1]];
    double sum = 0;
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = s[order[i]] == Double.NEGATIVE_INFINITY ? 0 : StrictMath.exp(s[order[i]] - max);
      sum += e[i];
    }
    double cum = 0;
    for (int i = 0; i < n - 1; i++) {
      cum += e[i] / sum;
      if (cum <= 1 - topP) {
        s[order[i]] = Double.NEGATIVE_INFINITY;
      } else {
        break;
      }
    }
  }

  static int argmax(float[] logits, int offset, int vocab) {
    int best = 0;
    float bv = logits[offset];
    for (int i = 1; i < vocab; i++) {
      if (logits[offset + i] > bv) {
        bv = logits[offset + i];
        best = i;
      }
    }
    return best;
  }
}
