package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.Scalars;

/**
 * Next-token training on sequences whose loss counts only tokens from a given position on: full
 * language modelling (prompt length 0), or SFT on response tokens. Trains either every base weight
 * or one LoRA adapter, in {@link TrainingLoop}'s steps.
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
        throw new IllegalArgumentException(
            "prompt length " + promptLength + " leaves no supervised token in " + ids.length);
      }
    }
  }

  /** Trains {@code adapter} (or, when null, every base weight) on the examples. */
  public static TrainingLoop.Result train(
      Transformer model,
      String adapter,
      List<Example> examples,
      TrainConfig c,
      TrainingLoop.Progress progress) {
    List<NamedArray> params =
        adapter == null ? model.baseParameters() : model.adapter(adapter).parameters();
    long pad = Math.max(0, model.config().padTokenId());
    setTrainable(model, adapter, true);
    try {
      return TrainingLoop.run(
          params,
          examples.size(),
          c,
          idx -> microStep(model, adapter, examples, idx, pad, c.accumulation()),
          progress,
          null);
    } finally {
      setTrainable(model, adapter, false);
    }
  }

  /** Mean supervised-token loss of the examples (no gradients), token-weighted as in training. */
  public static double evaluate(
      Transformer model, String adapter, List<Example> examples, int batchSize) {
    long pad = Math.max(0, model.config().padTokenId());
    double sum = 0;
    long tokens = 0;
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<Example> part = examples.subList(from, Math.min(examples.size(), from + batchSize));
      List<long[]> seqs = new ArrayList<>();
      int[] prompt = new int[part.size()];
      for (int i = 0; i < part.size(); i++) {
        seqs.add(part.get(i).ids());
        prompt[i] = part.get(i).promptLength();
      }
      TokenBatch tb = TokenBatch.rightPadded(seqs, pad);
      long[] labels = Losses.responseLabels(tb, prompt);
      long n = 0;
      for (int r = 0; r < tb.rows(); r++) {
        for (int t = 1; t < tb.cols(); t++) {
          n += labels[r * tb.cols() + t] == Losses.IGNORE ? 0 : 1;
        }
      }
      try (NDManager scope = model.newScope()) {
        NDArray logits = model.forward(scope, tb, ForwardOptions.logits(adapter)).logits();
        sum += Losses.lmLoss(scope, logits, tb, labels).getFloat() * (double) n;
      }
      tokens += n;
    }
    return sum / tokens;
  }

  static void setTrainable(Transformer model, String adapter, boolean on) {
    if (adapter == null) {
      model.setBaseTrainable(on);
    } else {
      model.adapter(adapter).setTrainable(on);
    }
  }

  /** One micro-batch: forward, loss and backward under a tape; returns its loss share. */
  static double microStep(
      Transformer model,
      String adapter,
      List<Example> examples,
      int[] idx,
      long pad,
      int accumulation) {
    List<long[]> seqs = new ArrayList<>();
    int[] prompt = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      seqs.add(examples.get(idx[i]).ids());
      prompt[i] = examples.get(idx[i]).promptLength();
    }
    TokenBatch tb = TokenBatch.rightPadded(seqs, pad);
    long[] labels = Losses.responseLabels(tb, prompt);
    try (NDManager scope = model.newScope();
        Autograd.Tape tape = Autograd.record()) {
      NDArray logits =
          model.forward(scope, tb, ForwardOptions.logits(adapter).withTraining(true)).logits();
      NDArray loss = Losses.lmLoss(scope, logits, tb, labels);
      float value = loss.getFloat();
      tape.backward(Scalars.div(loss, accumulation));
      return value / accumulation;
    }
  }
}
