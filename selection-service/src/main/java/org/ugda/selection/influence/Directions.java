package org.ugda.selection.influence;

import org.ugda.api.selection.InfluenceForm;

/**
 * A validation subtask's direction at one checkpoint, built from its examples' projected gradients
 * so that one dot product gives a training direction's influence score s = g . w / |g|:
 *
 * <ul>
 *   <li>{@code paper} (Eq. 10-11): w = mean(v_e) / |mean(v_e)|, so s = cos(g, mean(v_e));
 *   <li>{@code less}: w = mean(v_e / |v_e|), so s = mean over e of cos(g, v_e), what LESS computes
 *       (the mean of per-example cosines), without holding the examples.
 * </ul>
 *
 * A zero vector (a gradient or a mean that vanishes) has cosine 0 with everything.
 */
public final class Directions {
  private Directions() {}

  /** Adds examples' gradients one at a time; {@link #build} gives the direction. */
  public static final class Builder {
    private final InfluenceForm form;
    private final double[] sum;
    private int count;

    public Builder(InfluenceForm form, int dim) {
      this.form = form;
      this.sum = new double[dim];
    }

    public Builder add(float[] v) {
      if (v.length != sum.length) {
        throw new IllegalArgumentException(
            "a validation gradient of length " + v.length + "; expected " + sum.length);
      }
      double scale = 1;
      if (form == InfluenceForm.LESS) {
        double n = norm(v);
        scale = n == 0 ? 0 : 1 / n;
      }
      for (int i = 0; i < v.length; i++) {
        sum[i] += scale * v[i];
      }
      count++;
      return this;
    }

    public int count() {
      return count;
    }

    public float[] build() {
      if (count == 0) {
        throw new IllegalStateException("a validation direction needs at least one example");
      }
      double scale;
      if (form == InfluenceForm.PAPER) {
        double n = 0;
        for (double x : sum) {
          n += x * x;
        }
        n = Math.sqrt(n);
        scale = n == 0 ? 0 : 1 / n;
      } else {
        scale = 1.0 / count;
      }
      float[] w = new float[sum.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (sum[i] * scale);
      }
      return w;
    }
  }

  /**
   * The scores of one training direction against every subtask's direction: {@code out[j] = g . w_j
   * / |g|}.
   */
  public static void score(float[] g, float[][] w, double[] out) {
    double gg = 0;
    double[] dots = out;
    java.util.Arrays.fill(dots, 0);
    for (int i = 0; i < g.length; i++) {
      double x = g[i];
      gg += x * x;
    }
    if (gg == 0) {
      return;
    }
    double inv = 1 / Math.sqrt(gg);
    for (int j = 0; j < w.length; j++) {
      float[] wj = w[j];
      if (wj.length != g.length) {
        throw new IllegalArgumentException(
            "a feature of length " + g.length + "; the validation direction has " + wj.length);
      }
      double d = 0;
      for (int i = 0; i < g.length; i++) {
        d += (double) g[i] * wj[i];
      }
      dots[j] = d * inv;
    }
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
