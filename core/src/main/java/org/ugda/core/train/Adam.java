package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ugda.core.model.NamedArray;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Scalars;

/**
 * Adam (AdamW with {@code weightDecay > 0}) whose moments are ordinary arrays that can be read,
 * saved and restored: UGDA's influence step needs each checkpoint's m and v (Eq. 5-7).
 *
 * <p>Update, as {@code torch.optim.Adam} computes it at step t (1-based): m = b1 m + (1 - b1) g; v
 * = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). The stored m
 * and v are the raw (not bias-corrected) moments, as PyTorch stores them.
 */
public final class Adam implements AutoCloseable {

  /**
   * @param beta1 first-moment decay (paper default 0.9)
   * @param beta2 second-moment decay (paper default 0.95)
   * @param eps added to the denominator (1e-8)
   * @param weightDecay decoupled weight decay per unit learning rate (AdamW); 0 = plain Adam
   */
  public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
    public Hyper {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
      }
      if (!(eps > 0) || weightDecay < 0) {
        throw new IllegalArgumentException("eps must be > 0 and weight decay >= 0");
      }
    }

    public static Hyper paper() {
      return new Hyper(0.9, 0.95, 1e-8, 0.0);
    }
  }

  /** Saved optimizer state: the step count and both moments per parameter name. */
  public record State(
      long step, Map<String, FloatTensor> expAvg, Map<String, FloatTensor> expAvgSq) {
    public State {
      expAvg = Map.copyOf(expAvg);
      expAvgSq = Map.copyOf(expAvgSq);
    }
  }

  private final Hyper hyper;
  private final List<NamedArray> params;
  private final NDManager manager;
  private final NDArray[] m;
  private final NDArray[] v;
  private long step;

  public Adam(List<NamedArray> params, Hyper hyper) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException("Adam needs at least one parameter");
    }
    this.hyper = hyper;
    this.params = List.copyOf(params);
    this.manager = params.get(0).array().getManager().newSubManager();
    this.m = new NDArray[params.size()];
    this.v = new NDArray[params.size()];
    for (int i = 0; i < params.size(); i++) {
      Shape s = params.get(i).array().getShape();
      m[i] = manager.zeros(s);
      v[i] = manager.zeros(s);
    }
  }

  public Hyper hyper() {
    return hyper;
  }

  /** Optimizer steps taken so far (t of the bias correction). */
  public long stepCount() {
    return step;
  }

  public List<NamedArray> parameters() {
    return params;
  }

  /**
   * Applies one update from the accumulated gradients at learning rate {@code lr}. Call outside a
   * recording tape. Parameters without a gradient are left alone (their moments too), as PyTorch
   * skips parameters whose grad is None.
   */
  public void step(double lr) {
    if (Autograd.isRecordingOnThisThread()) {
      throw new IllegalStateException("Adam.step must run after the recording tape is closed");
    }
    Autograd.noGradUnlessRecording();
    step++;
    double bc1 = 1 - StrictMath.pow(hyper.beta1(), step);
    double bc2 = 1 - StrictMath.pow(hyper.beta2(), step);
    float stepSize = (float) (lr / bc1);
    float bc2Sqrt = (float) Math.sqrt(bc2);
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i).array();
      if (!p.hasGradient()) {
        continue;
      }
      try (NDManager s = manager.newSubManager()) {
        NDArray g = p.getGradient();
        g.attach(s);
        Scalars.muli(m[i], (float) hyper.beta1()).addi(Scalars.mul(g, (float) (1 - hyper.beta1())));
        Scalars.muli(v[i], (float) hyper.beta2())
            .addi(Scalars.mul(g.square(), (float) (1 - hyper.beta2())));
        if (hyper.weightDecay() > 0) {
          Scalars.muli(p, (float) (1 - lr * hyper.weightDecay()));
        }
        NDArray denom =
            Scalars.add(Scalars.div(attach(s, v[i].sqrt()), bc2Sqrt), (float) hyper.eps());
        NDArray update = Scalars.mul(attach(s, m[i].div(denom)), stepSize);
        p.subi(update);
      }
    }
  }

  private static NDArray attach(NDManager s, NDArray a) {
    a.attach(s);
    return a;
  }

  /** A copy of the state, to save with a checkpoint. */
  public State state() {
    Map<String, FloatTensor> ma = new LinkedHashMap<>();
    Map<String, FloatTensor> va = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      long[] shape = m[i].getShape().getShape();
      ma.put(params.get(i).name(), new FloatTensor(shape, m[i].toFloatArray()));
      va.put(params.get(i).name(), new FloatTensor(shape, v[i].toFloatArray()));
    }
    return new State(step, ma, va);
  }

  /** Restores a saved state; every parameter must be present with its shape. */
  public void restore(State state) {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).name();
      FloatTensor mt = state.expAvg().get(name);
      FloatTensor vt = state.expAvgSq().get(name);
      if (mt == null || vt == null) {
        missing.add(name);
        continue;
      }
      long[] shape = m[i].getShape().getShape();
      if (!Arrays.equals(mt.shape(), shape) || !Arrays.equals(vt.shape(), shape)) {
        throw new IllegalArgumentException(
            "optimizer state for '"
                + name
                + "' has shape "
                + Arrays.toString(mt.shape())
                + ", the parameter "
                + Arrays.toString(shape));
      }
      // copies in libtorch memory; NDArray.set(Buffer) would point the moments into a Java buffer
      m[i].close();
      m[i] = NdData.floats(manager, mt.data(), new Shape(shape));
      v[i].close();
      v[i] = NdData.floats(manager, vt.data(), new Shape(shape));
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("optimizer state lacks moments for " + missing);
    }
    step = state.step();
  }

  @Override
  public void close() {
    manager.close();
  }
}
