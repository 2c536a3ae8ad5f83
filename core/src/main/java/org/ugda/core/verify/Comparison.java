package org.ugda.core.verify;

import java.util.Arrays;
import org.ugda.core.tensor.FloatTensor;

/**
 * One computed tensor checked against its reference with the fixtures' tolerance |a - b| <= atol +
 * rtol * |b| elementwise.
 *
 * @param maxAbs largest |a - b|
 * @param maxRel largest |a - b| / |b| over elements with |b| > atol
 * @param worst largest |a - b| / (atol + rtol |b|): at most 1 passes
 */
public record Comparison(
    String name,
    long[] shape,
    double maxAbs,
    double maxRel,
    double worst,
    boolean pass,
    String note) {

  public static final double ATOL = 1e-4;
  public static final double RTOL = 1e-3;

  public static Comparison of(String name, FloatTensor computed, FloatTensor expected) {
    if (!Arrays.equals(computed.shape(), expected.shape())) {
      return new Comparison(
          name,
          computed.shape(),
          Double.NaN,
          Double.NaN,
          Double.POSITIVE_INFINITY,
          false,
          "shape "
              + Arrays.toString(computed.shape())
              + " vs reference "
              + Arrays.toString(expected.shape()));
    }
    float[] a = computed.data();
    float[] b = expected.data();
    double maxAbs = 0;
    double maxRel = 0;
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs((double) a[i] - b[i]);
      if (!Double.isFinite(a[i])) {
        d = Double.POSITIVE_INFINITY;
      }
      maxAbs = Math.max(maxAbs, d);
      double absB = Math.abs((double) b[i]);
      if (absB > ATOL) {
        maxRel = Math.max(maxRel, d / absB);
      }
      worst = Math.max(worst, d / (ATOL + RTOL * absB));
    }
    return new Comparison(name, computed.shape(), maxAbs, maxRel, worst, worst <= 1.0, "");
  }

  /** Exact comparison for integer tensors (token ids, labels). */
  public static Comparison exact(String name, long[] computed, long[] expected, long[] shape) {
    boolean same = Arrays.equals(computed, expected);
    long diff = 0;
    if (computed.length == expected.length) {
      for (int i = 0; i < computed.length; i++) {
        diff = Math.max(diff, Math.abs(computed[i] - expected[i]));
      }
    }
    return new Comparison(name, shape, diff, 0, same ? 0 : Double.POSITIVE_INFINITY, same, "exact");
  }
}
