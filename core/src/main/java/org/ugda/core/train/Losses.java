package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Scalars;

/**
 * The losses of UGDA as pure functions of NDArrays. Each returns arrays in the manager of its first
 * argument.
 */
public final class Losses {
  private Losses() {}

  /** The label value transformers ignores. */
  public static final long IGNORE = -100;

  /**
   * Labels for response-token LM loss: the token id from column {@code promptLen[r]} on, IGNORE
   * over the prompt and the padding. Row r's response starts at its promptLen-th real token.
   */
  public static long[] responseLabels(TokenBatch batch, int[] promptLen) {
    if (promptLen.length != batch.rows()) {
      throw new IllegalArgumentException(
          "one prompt length per row: " + batch.rows() + " rows, " + promptLen.length + " lengths");
    }
    long[] labels = new long[batch.rows() * batch.cols()];
    for (int r = 0; r < batch.rows(); r++) {
      int seen = 0;
      for (int c = 0; c < batch.cols(); c++) {
        int i = r * batch.cols() + c;
        boolean real = batch.mask()[i] != 0;
        labels[i] = real && seen >= promptLen[r] ? batch.ids()[i] : IGNORE;
        if (real) {
          seen++;
        }
      }
    }
    return labels;
  }

  /**
   * log p(token t+1 | tokens 0..t): log-softmax of {@code logits[:, t]} at {@code ids[:, t+1]},
   * shape [B, T-1].
   */
  public static NDArray nextTokenLogProbs(NDArray logits, NDArray ids) {
    long rows = logits.getShape().get(0);
    long cols = logits.getShape().get(1);
    NDArray lp = logits.get(":, :-1, :").logSoftmax(2);
    NDArray next = ids.get(":, 1:").toType(DataType.INT64, false).reshape(rows, cols - 1, 1);
    return lp.gather(next, 2).reshape(rows, cols - 1);
  }

  /** Weights [B, T-1]: 1 where the shifted label is a response token. */
  static NDArray shiftedWeights(NDManager scope, long[] labels, int rows, int cols) {
    float[] w = new float[rows * (cols - 1)];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < cols - 1; t++) {
        w[r * (cols - 1) + t] = labels[r * cols + t + 1] == IGNORE ? 0f : 1f;
      }
    }
    return NdData.floats(scope, w, new Shape(rows, cols - 1));
  }

  /**
   * transformers' causal-LM loss: mean cross-entropy over every non-ignored shifted label of the
   * batch (a token-level mean, so long responses weigh more).
   */
  public static NDArray lmLoss(NDManager scope, NDArray logits, TokenBatch batch, long[] labels) {
    NDArray ids = NdData.longs(scope, batch.ids(), new Shape(batch.rows(), batch.cols()));
    NDArray w = shiftedWeights(scope, labels, batch.rows(), batch.cols());
    float count = w.sum().getFloat();
    if (count == 0) {
      throw new IllegalArgumentException("no response token in the batch: every label is ignored");
    }
    return Scalars.div(nextTokenLogProbs(logits, ids).mul(w).sum().neg(), count);
  }

  /**
   * Each row's own mean response-token cross-entropy, [B]: the per-sample loss of the influence
   * step (DESIGN.md section 3.4). A row without response tokens is an error.
   */
  public static NDArray perSampleLmLoss(
      NDManager scope, NDArray logits, TokenBatch batch, long[] labels) {
    NDArray ids = NdData.longs(scope, batch.ids(), new Shape(batch.rows(), batch.cols()));
    NDArray w = shiftedWeights(scope, labels, batch.rows(), batch.cols());
    float[] counts = w.sum(new int[] {1}).toFloatArray();
    for (int r = 0; r < counts.length; r++) {
      if (counts[r] == 0) {
        throw new IllegalArgumentException("row " + r + " has no response token");
      }
    }
    return nextTokenLogProbs(logits, ids)
        .mul(w)
        .sum(new int[] {1})
        .neg()
        .div(NdData.floats(scope, counts, new Shape(counts.length)));
  }

  /**
   * softplus(x) = log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so large |x| stay finite.
   */
  public static NDArray softplus(NDArray x) {
    return Scalars.maximum(x, 0f).add(Scalars.add(x.abs().neg().exp(), 1f).log());
  }

  /** Bradley-Terry loss (Eq. 1): mean over pairs of -log sigmoid(r_chosen - r_rejected). */
  public static NDArray bradleyTerry(NDArray chosen, NDArray rejected) {
    return softplus(rejected.sub(chosen)).mean();
  }

  /** Mean squared error (Eq. 14). */
  public static NDArray mse(NDArray prediction, NDArray target) {
    return prediction.sub(target).square().mean();
  }

  /**
   * TRL's reward-centring term: coef * mean((r_chosen + r_rejected)^2), pulling rewards toward zero
   * mean without changing their order (Eisenstein et al. 2023).
   */
  public static NDArray centring(NDArray chosen, NDArray rejected, double coef) {
    return Scalars.mul(chosen.add(rejected).square().mean(), (float) coef);
  }
}
