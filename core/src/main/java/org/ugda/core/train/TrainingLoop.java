package org.ugda.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.ugda.core.model.NamedArray;
import org.ugda.core.tensor.Rng;

/**
 * The optimizer loop every trainer shares, in numbered steps: (1) shuffle each epoch, (2)
 * accumulate gradients over micro-batches, (3) refuse a non-finite gradient, (4) clip, (5) Adam
 * step at the cosine-scheduled rate.
 *
 * <p>A non-finite gradient is never applied: it stops the run with a {@link NonFiniteException}
 * naming the parameters. There is no retry. Gradients that came out non-finite with a finite loss
 * (or silently different), rarely and mostly while other JVMs ran alongside, had one cause: DJL
 * made scalar operands ({@code x.mul(2f)}) over Java buffers that a GC could free before the
 * backward pass read them; core now makes them in libtorch memory ({@link
 * org.ugda.core.tensor.Scalars}). TrainingStress, run under a System.gc() loop and beside other
 * JVMs, found no non-finite step and no weight difference since; a recomputation would now only
 * hide a real divergence.
 */
public final class TrainingLoop {
  private TrainingLoop() {}

  /** Forward + backward of one micro-batch of example indices; returns its loss share. */
  @FunctionalInterface
  public interface MicroStep {
    double run(int[] examples);
  }

  /** Called after every optimizer step. */
  @FunctionalInterface
  public interface Progress {
    void step(int step, int totalSteps, double loss, double lr);
  }

  /** What a run did: the loss of every optimizer step and the optimizer's final state. */
  public record Result(List<Double> losses, int steps, Adam.State optimizerState) {
    /** Mean loss of the first tenth of the steps. */
    public double firstLoss() {
      int n = Math.max(1, losses.size() / 10);
      return losses.subList(0, n).stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** Mean loss of the last tenth of the steps. */
    public double finalLoss() {
      int n = Math.max(1, losses.size() / 10);
      return losses.subList(losses.size() - n, losses.size()).stream()
          .mapToDouble(Double::doubleValue)
          .average()
          .orElse(0);
    }
  }

  public static Result run(
      List<NamedArray> params,
      int examples,
      TrainConfig c,
      MicroStep micro,
      Progress progress,
      BooleanSupplier cancelled) {
    if (examples <= 0) {
      throw new IllegalArgumentException("no training examples");
    }
    int microPerEpoch = (examples + c.batchSize() - 1) / c.batchSize();
    int stepsPerEpoch = Math.max(1, microPerEpoch / c.accumulation());
    int total = stepsPerEpoch * c.epochs();
    CosineSchedule schedule =
        new CosineSchedule(c.peakLr(), c.floorLr(), (int) (c.warmupFraction() * total), total);
    SplittableRandom r = Rng.stream(c.seed(), "training-order");
    List<Double> losses = new ArrayList<>();
    Adam.Hyper hyper =
        new Adam.Hyper(c.adam().beta1(), c.adam().beta2(), c.adam().eps(), c.weightDecay());
    try (Adam adam = new Adam(params, hyper)) {
      int step = 0;
      for (int epoch = 0; epoch < c.epochs(); epoch++) {
        int[] order = permutation(examples, r);
        for (int s = 0; s < stepsPerEpoch; s++) {
          if (cancelled != null && cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled after " + step + " of " + total + " steps");
          }
          double loss = accumulate(params, order, s, c, micro);
          double norm = Gradients.globalNorm(params);
          if (!Double.isFinite(norm)) {
            throw new NonFiniteException(
                "step "
                    + (step + 1)
                    + ": gradient norm is "
                    + norm
                    + " (loss "
                    + loss
                    + "); non-finite gradients in "
                    + Gradients.nonFinite(params)
                    + "; lower the learning rate or check the data");
          }
          if (c.clipNorm() > 0) {
            Gradients.clip(params, c.clipNorm());
          }
          double lr = schedule.at(step);
          adam.step(lr);
          losses.add(loss);
          step++;
          if (progress != null) {
            progress.step(step, total, loss, lr);
          }
        }
      }
      return new Result(losses, losses.size(), adam.state());
    } finally {
      Gradients.zero(params);
    }
  }

  private static double accumulate(
      List<NamedArray> params, int[] order, int s, TrainConfig c, MicroStep micro) {
    Gradients.zero(params);
    double loss = 0;
    for (int m = 0; m < c.accumulation(); m++) {
      int from = (s * c.accumulation() + m) * c.batchSize();
      int to = Math.min(from + c.batchSize(), order.length);
      if (from < to) {
        loss += micro.run(Arrays.copyOfRange(order, from, to));
      }
    }
    return loss;
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
