package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ugda.core.model.NamedArray;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.Scalars;

/** Helpers over the accumulated gradients of a parameter list. */
public final class Gradients {
  private Gradients() {}

  /** Sets every gradient to zero (DJL never does; gradients accumulate across backward passes). */
  public static void zero(List<NamedArray> params) {
    Autograd.noGradUnlessRecording();
    for (NamedArray p : params) {
      if (p.array().hasGradient()) {
        // zeroing, not multiplying, also clears NaN
        try (NDArray g = p.array().getGradient()) {
          Scalars.fill(g, 0f);
        }
      }
    }
  }

  /** The gradient of one parameter as plain data (zeros where none was accumulated). */
  public static float[] of(NamedArray p) {
    if (!p.array().hasGradient()) {
      return new float[(int) p.array().size()];
    }
    try (NDArray g = p.array().getGradient()) {
      return g.toFloatArray();
    }
  }

  /** Gradients as tensors keyed by parameter name. */
  public static Map<String, FloatTensor> toTensors(List<NamedArray> params) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (NamedArray p : params) {
      out.put(p.name(), new FloatTensor(p.array().getShape().getShape(), of(p)));
    }
    return out;
  }

  /** All gradients concatenated in parameter order, each row-major: the flattened gradient. */
  public static float[] flatten(List<NamedArray> params) {
    long n = 0;
    for (NamedArray p : params) {
      n += p.array().size();
    }
    float[] out = new float[Math.toIntExact(n)];
    int at = 0;
    for (NamedArray p : params) {
      float[] g = of(p);
      System.arraycopy(g, 0, out, at, g.length);
      at += g.length;
    }
    return out;
  }

  /** The global L2 norm of all gradients, accumulated in double precision. */
  public static double globalNorm(List<NamedArray> params) {
    double sq = 0;
    for (NamedArray p : params) {
      for (float x : of(p)) {
        sq += (double) x * x;
      }
    }
    return Math.sqrt(sq);
  }

  /** The names of the parameters whose gradient holds a NaN or an infinity. */
  public static List<String> nonFinite(List<NamedArray> params) {
    List<String> bad = new ArrayList<>();
    for (NamedArray p : params) {
      for (float x : of(p)) {
        if (!Float.isFinite(x)) {
          bad.add(p.name());
          break;
        }
      }
    }
    return bad;
  }

  /**
   * Scales gradients so their global norm is at most {@code maxNorm}, as {@code
   * torch.nn.utils.clip_grad_norm_} does; returns the norm before clipping. A non-finite norm is an
   * error.
   */
  public static double clip(List<NamedArray> params, double maxNorm) {
    double norm = globalNorm(params);
    if (!Double.isFinite(norm)) {
      throw new NonFiniteException(
          "gradient norm is " + norm + "; non-finite gradients in " + nonFinite(params));
    }
    double factor = maxNorm / (norm + 1e-6);
    if (factor < 1) {
      Autograd.noGradUnlessRecording();
      for (NamedArray p : params) {
        if (p.array().hasGradient()) {
          try (NDArray g = p.array().getGradient()) {
            Scalars.muli(g, (float) factor);
          }
        }
      }
    }
    return norm;
  }
}
