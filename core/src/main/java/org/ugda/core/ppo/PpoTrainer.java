package org.ugda.core.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongToDoubleFunction;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.ForwardOutput;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Rng;
import org.ugda.core.tensor.Scalars;
import org.ugda.core.train.Adam;
import org.ugda.core.train.Autograd;
import org.ugda.core.train.Gradients;
import org.ugda.core.train.NonFiniteException;

/**
 * Classic PPO (TRL v0.8-0.11, the form LLaMA-Factory ran for the paper) of a LoRA policy with a
 * value head: {@link #rollout} turns a generated batch and its scores into the per-token tensors of
 * {@link PpoMath}; {@link #step} runs the PPO epochs over it in minibatches, one Adam step each,
 * over the adapter's weights and the head together (the value loss reaches the LoRA weights through
 * the shared trunk). The reference policy is the same base with the adapter off. No dropout in any
 * pass, so the first minibatch of the first epoch has ratio exactly 1.
 *
 * <p>While a trainer is open its parameters require gradients (a gradient is dropped when that is
 * switched off); closing it switches them off again.
 */
public final class PpoTrainer implements AutoCloseable {

  /** One minibatch update's losses and statistics, and its new log-probabilities and values. */
  public record Update(
      double pgLoss,
      double vfLoss,
      double loss,
      double pgClipfrac,
      double vfClipfrac,
      double approxKl,
      double policyKl,
      double gradNorm,
      double learningRate,
      float[] newLogprobs,
      float[] values,
      float[] ratio) {}

  /** A PPO step's averages over its updates, and the KL controller after it. */
  public record StepStats(
      int updates,
      double pgLoss,
      double vfLoss,
      double loss,
      double pgClipfrac,
      double vfClipfrac,
      double approxKl,
      double policyKl,
      double gradNorm,
      double learningRate,
      double klCoefficient) {}

  private final Transformer model;
  private final String adapter;
  private final ValueHead head;
  private final PpoConfig config;
  private final AdaptiveKlController kl;
  private final List<NamedArray> params;
  private final Adam adam;
  private final SplittableRandom order;
  private final long pad;
  private int forwardBatch = 16;

  public PpoTrainer(
      Transformer model,
      String adapter,
      ValueHead head,
      PpoConfig config,
      AdaptiveKlController kl,
      Adam.Hyper hyper) {
    this.model = model;
    this.adapter = adapter;
    this.head = head;
    this.config = config;
    this.kl = kl;
    LoraAdapter ad = model.adapter(adapter);
    List<NamedArray> p = new ArrayList<>(ad.parameters());
    p.addAll(head.parameters());
    this.params = List.copyOf(p);
    this.adam = new Adam(params, hyper);
    this.order = Rng.stream(config.seed(), "ppo-minibatch-order");
    this.pad = Math.max(0, model.config().padTokenId());
    setTrainable(true);
  }

  /** Rows per no-grad forward pass of the rollout (memory, not numbers). */
  public PpoTrainer forwardBatch(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("forward batch must be >= 1, got " + rows);
    }
    this.forwardBatch = rows;
    return this;
  }

  public Adam adam() {
    return adam;
  }

  public AdaptiveKlController klController() {
    return kl;
  }

  public PpoConfig config() {
    return config;
  }

  /** The trainable parameters: the adapter's (PEFT order), then the head's weight and bias. */
  public List<NamedArray> parameters() {
    return params;
  }

  /**
   * Log-probabilities of each response token [rows * R] (and values, if {@code withValues}), with
   * {@code adapterName} on (null: the reference), no gradients.
   */
  public float[][] evaluate(PpoBatch batch, String adapterName, boolean withValues) {
    int w = batch.width();
    float[] lp = new float[batch.rows() * w];
    float[] val = withValues ? new float[batch.rows() * w] : null;
    for (int from = 0; from < batch.rows(); from += forwardBatch) {
      int to = Math.min(batch.rows(), from + forwardBatch);
      PpoBatch part = batch.slice(from, to);
      try (NDManager scope = model.newScope()) {
        NDArray[] t = responseTensors(scope, part, adapterName, withValues, w);
        System.arraycopy(t[0].toFloatArray(), 0, lp, from * w, (to - from) * w);
        if (withValues) {
          System.arraycopy(t[1].toFloatArray(), 0, val, from * w, (to - from) * w);
        }
      }
    }
    return new float[][] {lp, val};
  }

  /** The rollout tensors of a generated batch with its scores, at the controller's current beta. */
  public RolloutTensors rollout(PpoBatch batch, double[] scores) {
    float[][] policy = evaluate(batch, adapter, true);
    float[][] ref = evaluate(batch, null, false);
    return PpoMath.rollout(
        batch,
        policy[0],
        ref[0],
        policy[1],
        scores,
        kl.value(),
        config.klEstimator(),
        config.gamma(),
        config.lambda());
  }

  /**
   * The PPO epochs over one rollout: per epoch the rows in order (or shuffled), cut into
   * minibatches, one Adam step each at {@code lrAt(adamStepCount)}. Then the KL controller updates
   * from the rollout's KL.
   */
  public StepStats step(RolloutTensors ro, LongToDoubleFunction lrAt, BooleanSupplier cancelled) {
    int rows = ro.batch().rows();
    double[] sums = new double[9];
    int n = 0;
    for (int e = 0; e < config.ppoEpochs(); e++) {
      int[] idx = rowOrder(rows);
      for (int from = 0; from < rows; from += config.minibatchSize()) {
        if (cancelled != null && cancelled.getAsBoolean()) {
          throw new CancellationException("cancelled inside a PPO step");
        }
        int to = Math.min(rows, from + config.minibatchSize());
        int[] mb = Arrays.copyOfRange(idx, from, to);
        Update u = update(ro, mb, lrAt.applyAsDouble(adam.stepCount()));
        double[] v = {
          u.pgLoss(),
          u.vfLoss(),
          u.loss(),
          u.pgClipfrac(),
          u.vfClipfrac(),
          u.approxKl(),
          u.policyKl(),
          u.gradNorm(),
          u.learningRate()
        };
        for (int i = 0; i < v.length; i++) {
          sums[i] += v[i];
        }
        n++;
      }
    }
    kl.update(ro.klObjective(), rows);
    return new StepStats(
        n,
        sums[0] / n,
        sums[1] / n,
        sums[2] / n,
        sums[3] / n,
        sums[4] / n,
        sums[5] / n,
        sums[6] / n,
        sums[7] / n,
        sums[8] / n,
        kl.value());
  }

  private int[] rowOrder(int rows) {
    int[] p = new int[rows];
    for (int i = 0; i < rows; i++) {
      p[i] = i;
    }
    if (config.shuffle()) {
      for (int i = rows - 1; i > 0; i--) {
        int j = order.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
    }
    return p;
  }

  /**
   * One optimizer step on the rows {@code mb} of the rollout: new log-probabilities and values with
   * gradients, the clipped losses, backward, optional clipping, Adam at {@code lr}. The gradients
   * stay on the parameters until the next update (a verifier reads them).
   */
  public Update update(RolloutTensors ro, int[] mb, double lr) {
    PpoBatch part = select(ro.batch(), mb);
    int w = part.width();
    float[] mask = part.mask();
    float[] old = pick(ro, ro.oldLogprobs(), mb, w);
    float[] adv = pick(ro, ro.advantages(), mb, w);
    float[] ret = pick(ro, ro.returns(), mb, w);
    float[] val = pick(ro, ro.values(), mb, w);
    float count = 0;
    for (float m : mask) {
      count += m;
    }
    float c = (float) config.clipRange();
    float cv = (float) config.clipRangeValue();
    float[] lo = new float[val.length];
    float[] hi = new float[val.length];
    for (int i = 0; i < val.length; i++) {
      lo[i] = val[i] - cv;
      hi[i] = val[i] + cv;
    }
    Gradients.zero(params);
    float[] lpOut;
    float[] vpOut;
    float[] ratioOut;
    double pgLoss;
    double vfLoss;
    double loss;
    try (NDManager scope = model.newScope()) {
      Shape s = new Shape(mb.length, w);
      NDArray mArr = NdData.floats(scope, mask, s);
      NDArray oldArr = NdData.floats(scope, old, s);
      NDArray advArr = NdData.floats(scope, adv, s);
      NDArray retArr = NdData.floats(scope, ret, s);
      NDArray loArr = NdData.floats(scope, lo, s);
      NDArray hiArr = NdData.floats(scope, hi, s);
      try (Autograd.Tape tape = Autograd.record()) {
        NDArray[] t = responseTensors(scope, part, adapter, true, w);
        NDArray lp = t[0];
        NDArray vp = t[1];
        NDArray ratio = lp.sub(oldArr).exp();
        NDArray pg1 = advArr.neg().mul(ratio);
        NDArray pg2 = advArr.neg().mul(Scalars.clip(ratio, 1 - c, 1 + c));
        NDArray pg = Scalars.div(pg1.maximum(pg2).mul(mArr).sum(), count);
        NDArray vc = vp.maximum(loArr).minimum(hiArr);
        NDArray vf1 = vp.sub(retArr).square();
        NDArray vf2 = vc.sub(retArr).square();
        NDArray vf = Scalars.mul(Scalars.div(vf1.maximum(vf2).mul(mArr).sum(), count), 0.5f);
        NDArray total = pg.add(Scalars.mul(vf, (float) config.valueCoef()));
        pgLoss = pg.getFloat();
        vfLoss = vf.getFloat();
        loss = total.getFloat();
        tape.backward(total);
        lpOut = lp.toFloatArray();
        vpOut = vp.toFloatArray();
        ratioOut = ratio.toFloatArray();
      }
    }
    double norm = Gradients.globalNorm(params);
    if (!Double.isFinite(norm)) {
      throw new NonFiniteException(
          "PPO update: gradient norm is "
              + norm
              + " (loss "
              + loss
              + "); non-finite gradients in "
              + Gradients.nonFinite(params)
              + "; lower the learning rate");
    }
    if (config.maxGradNorm() > 0) {
      Gradients.clip(params, config.maxGradNorm());
    }
    adam.step(lr);
    double pgClip = 0;
    double vfClip = 0;
    double approx = 0;
    double policyKl = 0;
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] == 0) {
        ratioOut[i] = 0f; // the layout's convention: masked entries are 0 in every tensor
        continue;
      }
      float r = ratioOut[i];
      float a = -adv[i];
      float clipped = Math.max(1 - c, Math.min(1 + c, r));
      pgClip += a * clipped > a * r ? 1 : 0;
      float vcl = Math.max(lo[i], Math.min(hi[i], vpOut[i]));
      float d1 = vpOut[i] - ret[i];
      float d2 = vcl - ret[i];
      vfClip += d2 * d2 > d1 * d1 ? 1 : 0;
      double dl = lpOut[i] - old[i];
      approx += dl * dl;
      policyKl += -dl;
    }
    return new Update(
        pgLoss,
        vfLoss,
        loss,
        pgClip / count,
        vfClip / count,
        0.5 * approx / count,
        policyKl / count,
        norm,
        lr,
        lpOut,
        vpOut,
        ratioOut);
  }

  private void setTrainable(boolean on) {
    model.adapter(adapter).setTrainable(on);
    head.setTrainable(on);
  }

  private static PpoBatch select(PpoBatch b, int[] rows) {
    List<long[]> seqs = new ArrayList<>();
    int[] p = new int[rows.length];
    int[] r = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      seqs.add(b.sequences().get(rows[i]));
      p[i] = b.promptLen()[rows[i]];
      r[i] = b.responseLen()[rows[i]];
    }
    return new PpoBatch(seqs, p, r);
  }

  /** Columns 0..w-1 of the given rows of a [rows * R] rollout array. */
  private static float[] pick(RolloutTensors ro, float[] a, int[] rows, int w) {
    int width = ro.width();
    float[] out = new float[rows.length * w];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(a, rows[i] * width, out, i * w, w);
    }
    return out;
  }

  /**
   * Response-token log-probabilities [rows, w] (and values) of one forward pass over the batch:
   * entry [b, j] reads the logits and the head at input column promptLen[b] + j - 1; entries past
   * the response are 0.
   */
  private NDArray[] responseTensors(
      NDManager scope, PpoBatch batch, String adapterName, boolean withValues, int w) {
    TokenBatch tb = batch.tokens(pad);
    int rows = batch.rows();
    int cols = tb.cols();
    long[] col = new long[rows * w];
    long[] target = new long[rows * w];
    float[] mask = new float[rows * w];
    for (int b = 0; b < rows; b++) {
      long[] seq = batch.sequences().get(b);
      for (int j = 0; j < w; j++) {
        int jj = Math.min(j, batch.responseLen()[b] - 1);
        int at = batch.promptLen()[b] + jj;
        col[b * w + j] = (long) b * cols + at - 1;
        target[b * w + j] = seq[at];
        mask[b * w + j] = j < batch.responseLen()[b] ? 1f : 0f;
      }
    }
    ForwardOutput out = model.forward(scope, tb, ForwardOptions.logits(adapterName));
    long vocab = out.logits().getShape().get(2);
    NDArray idx = NdData.longs(scope, col, new Shape(rows * (long) w));
    NDArray m = NdData.floats(scope, mask, new Shape(rows, w));
    NDArray picked = out.logits().reshape(rows * (long) cols, vocab).get(idx).logSoftmax(1);
    NDArray tgt = NdData.longs(scope, target, new Shape(rows * (long) w, 1));
    NDArray lp = picked.gather(tgt, 1).reshape(rows, w).mul(m);
    if (!withValues) {
      return new NDArray[] {lp, null};
    }
    NDArray v = head.values(out.hidden()).reshape(rows * (long) cols).get(idx).reshape(rows, w);
    return new NDArray[] {lp, v.mul(m)};
  }

  /** Frees the optimizer state (the model, adapter and head belong to the caller). */
  @Override
  public void close() {
    Gradients.zero(params);
    setTrainable(false);
    adam.close();
  }
}
