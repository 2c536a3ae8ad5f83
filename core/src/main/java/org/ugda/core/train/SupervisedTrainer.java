package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.Rng;

/**
 * Next-token training on sequences whose loss counts only tokens from a given position on: full
 * language modelling (prompt length 0), or SFT on response tokens. Trains either every base
 * weight or one LoRA adapter. Steps read top to bottom: shuffle, batch, forward, loss, backward,
 * clip, Adam step at the scheduled rate.
 */
public final class SupervisedTrainer {
  private SupervisedTrainer() {}

  /** A training sequence: token ids and where the supervised part starts. */
  public record Example(long[] ids, int promptLength) {
    public Example {
      if (ids.length < 2) {
        throw new IllegalArgumentException("a training sequence needs at least two tokens");
      }
      if (promptLength < 0 || promptLength >= ids.length) {
        throw new IllegalArgumentException("prompt length " + promptLength + " leaves no supervised token in "
            + ids.length);
      }
    }
  }

  /**
   * @param epochs passes over the examples
   * @param batchSize sequences per micro-batch
   * @param accumulation micro-batches per optimizer step (the loss is averaged over them)
   * @param peakLr learning rate after warm-up; cosine-annealed to {@code floorLr}
   * @param warmupFraction share of optimizer steps spent warming up
   * @param weightDecay AdamW decay (0 = Adam)
   * @param clipNorm global gradient-norm clip (0 = off)
   * @param seed shuffling order
   */
  public record Config(
      int epochs, int batchSize, int accumulation, double peakLr, double floorLr, double warmupFraction,
      double weightDecay, double clipNorm, Adam.Hyper adam, long seed) {
    public Config {
      if (epochs <= 0 || batchSize <= 0 || accumulation <= 0) {
        throw new IllegalArgumentException("epochs, batch size and accumulation must be positive");
      }
      if (!(warmupFraction >= 0 && warmupFraction < 1)) {
        throw new IllegalArgumentException("warmupFraction must be in [0, 1)");
      }
    }
  }

  /** Called after every optimizer step. */
  @FunctionalInterface
  public interface Progress {
    void step(int step, int totalSteps, double loss, double lr);
  }

  /**
   * What a run did: the loss of every optimizer step, how many steps had to be recomputed after a
   * non-finite gradient, and the optimizer's final state.
   */
  public record Result(List<Double> losses, int steps, int recomputedSteps, Adam.State optimizerState) {
    /** Mean loss of the first tenth of the steps. */
    public double firstLoss() {
      int n = Math.max(1, losses.size() / 10);
      return losses.subList(0, n).stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** Mean loss of the last tenth of the steps. */
    public double finalLoss() {
      int n = Math.max(1, losses.size() / 10);
      return losses.subList(losses.size() - n, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
  }

  /**
   * Trains {@code adapter} (or, when null, every base weight) on the examples.
   */
  public static Result train(Transformer model, String adapter, List<Example> examples, Config c, Progress progress) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    List<NamedArray> params = adapter == null ? model.baseParameters() : model.adapter(adapter).parameters();
    if (adapter == null) {
      model.setBaseTrainable(true);
    } else {
      model.adapter(adapter).setTrainable(true);
    }
    long pad = Math.max(0, model.config().padTokenId());
    int microPerEpoch = (examples.size() + c.batchSize() - 1) / c.batchSize();
    int stepsPerEpoch = Math.max(1, microPerEpoch / c.accumulation());
    int total = stepsPerEpoch * c.epochs();
    CosineSchedule schedule = new CosineSchedule(c.peakLr(), c.floorLr(), (int) (c.warmupFraction() * total), total);
    SplittableRandom r = Rng.stream(c.seed(), "supervised-order");
    List<Double> losses = new ArrayList<>();
    int recomputed = 0;
    Adam.State state;
    try (Adam adam = new Adam(params, new Adam.Hyper(c.adam().beta1(), c.adam().beta2(), c.adam().eps(), c.weightDecay()))) {
      int step = 0;
      for (int epoch = 0; epoch < c.epochs(); epoch++) {
        int[] order = permutation(examples.size(), r);
        for (int s = 0; s < stepsPerEpoch; s++) {
          // 1. accumulate gradients over micro-batches (recomputed once if they come out
          //    non-finite: see the class comment)
          double stepLoss = accumulate(model, adapter, examples, order, s, c, pad, params);
          if (!Double.isFinite(Gradients.globalNorm(params))) {
            stepLoss = accumulate(model, adapter, examples, order, s, c, pad, params);
            if (!Double.isFinite(Gradients.globalNorm(params))) {
              throw new NonFiniteException("step " + (step + 1) + ": gradients are non-finite twice in a row "
                  + "(loss " + stepLoss + "); lower the learning rate or check the data");
            }
            recomputed++;
          }
          // 2. clip, 3. update at the scheduled rate
          if (c.clipNorm() > 0) {
            Gradients.clip(params, c.clipNorm());
          }
          double lr = schedule.at(step);
          adam.step(lr);
          losses.add(stepLoss);
          step++;
          if (progress != null) {
            progress.step(step, total, stepLoss, lr);
          }
        }
      }
      state = adam.state();
    } finally {
      Gradients.zero(params);
      if (adapter == null) {
        model.setBaseTrainable(false);
      } else {
        model.adapter(adapter).setTrainable(false);
      }
    }
    return new Result(losses, losses.size(), recomputed, state);
  }

  private static double accumulate(Transformer model, String adapter, List<Example> examples, int[] order, int s,
      Config c, long pad, List<NamedArray> params) {
    Gradients.zero(params);
    double stepLoss = 0;
    for (int m = 0; m < c.accumulation(); m++) {
      int from = (s * c.accumulation() + m) * c.batchSize();
      List<Example> batch = new ArrayList<>();
      for (int i = from; i < Math.min(from + c.batchSize(), order.length); i++) {
        batch.add(examples.get(order[i]));
      }
      if (!batch.isEmpty()) {
        stepLoss += microStep(model, adapter, batch, pad, c.accumulation());
      }
    }
    return stepLoss;
  }

  private static double microStep(Transformer model, String adapter, List<Example> batch, long pad, int accumulation) {
    List<long[]> seqs = new ArrayList<>();
    int[] prompt = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      seqs.add(batch.get(i).ids());
      prompt[i] = batch.get(i).promptLength();
    }
    TokenBatch tb = TokenBatch.rightPadded(seqs, pad);
    long[] labels = Losses.responseLabels(tb, prompt);
    try (NDManager scope = model.newScope(); Autograd.Tape tape = Autograd.record()) {
      NDArray logits = model.forward(scope, tb, ForwardOptions.logits(adapter).withTraining(true)).logits();
      NDArray loss = Losses.lmLoss(scope, logits, tb, labels);
      float value = loss.getFloat();
      tape.backward(loss.div(accumulation));
      return value / accumulation;
    }
  }

  static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
