package org.ugda.core.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Scalars;
import org.ugda.core.train.Autograd;
import org.ugda.core.train.Losses;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;

/**
 * Trains a reward adapter (LoRA + its own scalar head, or a shared trunk with one head output per
 * member) on preference pairs with the Bradley-Terry loss of Eq. 1, or regresses it onto targets
 * with the MSE of Eq. 14. With W head outputs the loss is the sum over outputs, so a heads-mode
 * ensemble trains all its members in one pass.
 */
public final class RewardTrainer {
  private RewardTrainer() {}

  /** Token ids of a preferred and a dispreferred sequence (same prompt). */
  public record Pair(long[] chosen, long[] rejected) {}

  /** Token ids and one target per head output. */
  public record Target(long[] ids, float[] values) {}

  /** Progress with the running pairwise accuracy of each head output over the epoch so far. */
  @FunctionalInterface
  public interface Listener {
    void step(int step, int total, double loss, double[] accuracy);
  }

  /**
   * Eq. 1: minimise -log sigmoid(r(x, y_c) - r(x, y_r)), plus {@code centering} x mean((r_c +
   * r_r)^2) when positive (TRL's reward centring).
   */
  public static TrainingLoop.Result preferences(
      Transformer model,
      String adapter,
      List<Pair> pairs,
      TrainConfig c,
      double centering,
      Listener listener,
      BooleanSupplier cancelled) {
    int width = width(model, adapter);
    long[] correct = new long[width];
    long[] seen = {0};
    return trainOnScores(
        model,
        adapter,
        pairs.size(),
        c,
        idx -> {
          List<long[]> seqs = new ArrayList<>();
          for (int i : idx) {
            seqs.add(pairs.get(i).chosen());
          }
          for (int i : idx) {
            seqs.add(pairs.get(i).rejected());
          }
          return seqs;
        },
        (scope, idx, scores) -> {
          int b = idx.length;
          NDArray chosen = scores.get("0:" + b);
          NDArray rejected = scores.get(b + ":");
          NDArray loss = Losses.softplus(rejected.sub(chosen)).mean(new int[] {0}).sum();
          if (centering > 0) {
            loss =
                loss.add(
                    Scalars.mul(
                        chosen.add(rejected).square().mean(new int[] {0}).sum(),
                        (float) centering));
          }
          float[] cs = chosen.toFloatArray();
          float[] rs = rejected.toFloatArray();
          for (int i = 0; i < cs.length; i++) {
            correct[i % width] += cs[i] > rs[i] ? 1 : 0;
          }
          seen[0] += b;
          return loss;
        },
        (step, total, loss, lr) -> {
          if (listener != null) {
            double[] acc = new double[width];
            for (int w = 0; w < width; w++) {
              acc[w] = seen[0] == 0 ? 0 : correct[w] / (double) seen[0];
            }
            listener.step(step, total, loss, acc);
          }
        },
        cancelled);
  }

  /** Eq. 14: minimise the mean squared error between each head output and its target. */
  public static TrainingLoop.Result regress(
      Transformer model,
      String adapter,
      List<Target> targets,
      TrainConfig c,
      Listener listener,
      BooleanSupplier cancelled) {
    int width = width(model, adapter);
    for (Target t : targets) {
      if (t.values().length != width) {
        throw new IllegalArgumentException(
            "each target needs "
                + width
                + " values (one per head output), got "
                + t.values().length);
      }
    }
    return trainOnScores(
        model,
        adapter,
        targets.size(),
        c,
        idx -> {
          List<long[]> seqs = new ArrayList<>();
          for (int i : idx) {
            seqs.add(targets.get(i).ids());
          }
          return seqs;
        },
        (scope, idx, scores) -> {
          float[] y = new float[idx.length * width];
          for (int i = 0; i < idx.length; i++) {
            System.arraycopy(targets.get(idx[i]).values(), 0, y, i * width, width);
          }
          NDArray target = NdData.floats(scope, y, new Shape(idx.length, width));
          return scores.sub(target).square().mean(new int[] {0}).sum();
        },
        (step, total, loss, lr) -> {
          if (listener != null) {
            listener.step(step, total, loss, new double[0]);
          }
        },
        cancelled);
  }

  /** The loss of one micro-batch, from the scores the adapter's head gave its sequences. */
  @FunctionalInterface
  private interface ScoreLoss {
    NDArray of(NDManager scope, int[] examples, NDArray scores);
  }

  /**
   * Trains the adapter, trainable while this runs: each micro-batch scores the sequences {@code
   * sequences} gives for its examples (right-padded, on a tape) and backpropagates {@code loss}
   * divided by the accumulation steps.
   */
  private static TrainingLoop.Result trainOnScores(
      Transformer model,
      String adapter,
      int examples,
      TrainConfig c,
      Function<int[], List<long[]>> sequences,
      ScoreLoss loss,
      TrainingLoop.Progress progress,
      BooleanSupplier cancelled) {
    long pad = Math.max(0, model.config().padTokenId());
    model.adapter(adapter).setTrainable(true);
    try {
      return TrainingLoop.run(
          model.adapter(adapter).parameters(),
          examples,
          c,
          idx -> {
            TokenBatch tb = TokenBatch.rightPadded(sequences.apply(idx), pad);
            try (NDManager scope = model.newScope();
                Autograd.Tape tape = Autograd.record()) {
              NDArray scores =
                  model
                      .forward(scope, tb, ForwardOptions.scores(adapter).withTraining(true))
                      .scores();
              NDArray l = loss.of(scope, idx, scores);
              float value = l.getFloat();
              tape.backward(Scalars.div(l, c.accumulation()));
              return value / c.accumulation();
            }
          },
          progress,
          cancelled);
    } finally {
      model.adapter(adapter).setTrainable(false);
    }
  }

  /** Rewards [n][W] of sequences under an adapter, in batches, without recording gradients. */
  public static float[][] score(
      Transformer model, String adapter, List<long[]> seqs, int batchSize) {
    int width = width(model, adapter);
    long pad = Math.max(0, model.config().padTokenId());
    float[][] out = new float[seqs.size()][];
    for (int from = 0; from < seqs.size(); from += batchSize) {
      List<long[]> part = seqs.subList(from, Math.min(seqs.size(), from + batchSize));
      try (NDManager scope = model.newScope()) {
        float[] s =
            model
                .forward(scope, TokenBatch.rightPadded(part, pad), ForwardOptions.scores(adapter))
                .scores()
                .toFloatArray();
        for (int i = 0; i < part.size(); i++) {
          out[from + i] = Arrays.copyOfRange(s, i * width, (i + 1) * width);
        }
      }
    }
    return out;
  }

  static int width(Transformer model, String adapter) {
    var ad = model.adapter(adapter);
    if (ad.head() == null) {
      throw new IllegalArgumentException(
          "adapter '" + adapter + "' has no head: a reward adapter needs one");
    }
    return (int) ad.head().getShape().get(0);
  }
}
