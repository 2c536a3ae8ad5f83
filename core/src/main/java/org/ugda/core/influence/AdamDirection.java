package org.ugda.core.influence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.NamedArray;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;

/**
 * The Adam direction Gamma(z, theta) of a training sample (paper Eq. 6, DESIGN.md section 3.4): the
 * update Adam would make from a checkpoint's stored moments if the next step's gradient were the
 * sample's gradient g alone.
 *
 * <pre>
 *   m' = beta1 * m + (1 - beta1) * g
 *   v' = beta2 * v + (1 - beta2) * g^2
 *   EQ6:  Gamma = (m' / (1 - beta1^(t+1))) / sqrt(v' / (1 - beta2^(t+1)) + eps)
 *   LESS: Gamma = m' / sqrt(v' + eps)
 * </pre>
 *
 * element-wise, with m and v the raw (not bias-corrected) moments as {@code torch.optim.Adam}
 * stores them ({@code exp_avg}, {@code exp_avg_sq}) and t the step count saved with them (torch's
 * {@code state["step"]}: the number of updates already taken).
 *
 * <p><b>Bias correction with t + 1.</b> Eq. 6 divides m^{t+1} by 1 - beta1^t, where t indexes the
 * update that produces m^{t+1} from m^t: in Kingma and Ba's (1-based) numbering, the k-th update is
 * corrected with 1 - beta^k. A checkpoint that has taken t updates has stored m_t; the update the
 * direction stands for would be update number t + 1, which is what {@code torch.optim.Adam} would
 * correct with at its next step. Correcting with the stored count t instead would be one step
 * behind PyTorch and would divide by zero at t = 0 (a fresh optimizer, m = v = 0), whereas with t +
 * 1 a fresh state gives Gamma = g / sqrt(g^2 + eps), a sign-like vector, exactly as Adam's first
 * step does.
 *
 * <p><b>eps inside the square root.</b> Eq. 6 (and DESIGN.md 3.4) write Gamma = m / sqrt(v + eps),
 * which is also what LESS's {@code obtain_gradients_with_adam} computes ({@code updated_avg /
 * torch.sqrt(updated_avg_sq + eps)}); torch's own update puts eps outside (sqrt(v) + eps). This
 * class follows the paper. The {@link Variant#LESS} switch drops the bias correction, as LESS does;
 * unlike LESS's code (which hard-codes beta2 = 0.999) both variants take the betas and eps of the
 * checkpoint's {@link Adam.Hyper}. Weight decay plays no part in the direction.
 *
 * <p>Plain float math on flat vectors in the adapter's parameter order ({@link
 * LoraAdapter#parameters()}); each element is computed in double and rounded once.
 */
public final class AdamDirection {

  /** Which form of Eq. 6. */
  public enum Variant {
    /** The paper's Eq. 6: bias corrected with the step the update would be, t + 1. */
    EQ6,
    /** LESS's code: no bias correction. */
    LESS
  }

  private final float[] m;
  private final float[] v;
  private final long step;
  private final Adam.Hyper hyper;
  private final Variant variant;

  /**
   * @param m raw first moments, flat in parameter order
   * @param v raw second moments, same length, non-negative
   * @param step t, the optimizer steps taken when the moments were saved (>= 0)
   */
  public AdamDirection(float[] m, float[] v, long step, Adam.Hyper hyper, Variant variant) {
    if (m.length != v.length) {
      throw new IllegalArgumentException(
          "first and second moments differ in length: " + m.length + " vs " + v.length);
    }
    if (step < 0) {
      throw new IllegalArgumentException("optimizer step count must be >= 0, got " + step);
    }
    if (hyper == null || variant == null) {
      throw new IllegalArgumentException("the Adam direction needs hyper-parameters and a variant");
    }
    this.m = m;
    this.v = v;
    this.step = step;
    this.hyper = hyper;
    this.variant = variant;
  }

  /**
   * Flattens {@code state}'s moments in {@code adapter}'s parameter order. Every adapter parameter
   * must have both moments with its shape; entries for other names (a value head trained alongside,
   * say) are ignored.
   */
  public static AdamDirection forAdapter(
      LoraAdapter adapter, Adam.State state, Adam.Hyper hyper, Variant variant) {
    List<NamedArray> params = adapter.parameters();
    List<String> names = new ArrayList<>(params.size());
    List<long[]> shapes = new ArrayList<>(params.size());
    for (NamedArray p : params) {
      names.add(p.name());
      shapes.add(p.array().getShape().getShape());
    }
    return forParameters(names, shapes, state, hyper, variant);
  }

  /** As {@link #forAdapter}, for parameters given by name and shape, in order. */
  public static AdamDirection forParameters(
      List<String> names,
      List<long[]> shapes,
      Adam.State state,
      Adam.Hyper hyper,
      Variant variant) {
    if (names.size() != shapes.size()) {
      throw new IllegalArgumentException(
          names.size() + " parameter names but " + shapes.size() + " shapes");
    }
    if (state == null) {
      throw new IllegalArgumentException("the Adam direction needs the checkpoint's Adam state");
    }
    long total = 0;
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      long n = FloatTensor.numel(shapes.get(i));
      total += n;
      FloatTensor mt = state.expAvg().get(name);
      FloatTensor vt = state.expAvgSq().get(name);
      if (mt == null || vt == null) {
        missing.add(name + (mt == null ? " (exp_avg)" : "") + (vt == null ? " (exp_avg_sq)" : ""));
        continue;
      }
      checkShape(name, "exp_avg", mt, shapes.get(i));
      checkShape(name, "exp_avg_sq", vt, shapes.get(i));
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Adam state lacks moments for "
              + missing.size()
              + " of "
              + names.size()
              + " adapter parameters: "
              + missing
              + "; it has "
              + sorted(state.expAvg()));
    }
    float[] m = new float[Math.toIntExact(total)];
    float[] v = new float[m.length];
    int at = 0;
    for (String name : names) {
      float[] mt = state.expAvg().get(name).data();
      float[] vt = state.expAvgSq().get(name).data();
      System.arraycopy(mt, 0, m, at, mt.length);
      System.arraycopy(vt, 0, v, at, vt.length);
      at += mt.length;
    }
    return new AdamDirection(m, v, state.step(), hyper, variant);
  }

  private static List<String> sorted(Map<String, FloatTensor> map) {
    return map.keySet().stream().sorted().toList();
  }

  private static void checkShape(String name, String which, FloatTensor t, long[] shape) {
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          "Adam "
              + which
              + " of '"
              + name
              + "' has shape "
              + Arrays.toString(t.shape())
              + ", the parameter "
              + Arrays.toString(shape));
    }
  }

  /** P, the length of the vectors this direction takes. */
  public int length() {
    return m.length;
  }

  public long step() {
    return step;
  }

  public Variant variant() {
    return variant;
  }

  /** Gamma for gradient g (length P); g is left unchanged. */
  public float[] apply(float[] g) {
    float[] out = new float[g.length];
    apply(g, out);
    return out;
  }

  /** Replaces g by Gamma in place and returns it. */
  public float[] applyInPlace(float[] g) {
    apply(g, g);
    return g;
  }

  private void apply(float[] g, float[] out) {
    if (g.length != m.length) {
      throw new IllegalArgumentException(
          "gradient has " + g.length + " values, the Adam state " + m.length);
    }
    double b1 = hyper.beta1();
    double b2 = hyper.beta2();
    double eps = hyper.eps();
    double bc1 = 1;
    double bc2 = 1;
    if (variant == Variant.EQ6) {
      bc1 = 1 - StrictMath.pow(b1, step + 1.0);
      bc2 = 1 - StrictMath.pow(b2, step + 1.0);
    }
    for (int i = 0; i < g.length; i++) {
      double gi = g[i];
      double mi = (b1 * m[i] + (1 - b1) * gi) / bc1;
      double vi = (b2 * v[i] + (1 - b2) * gi * gi) / bc2;
      out[i] = (float) (mi / Math.sqrt(vi + eps));
    }
  }
}
