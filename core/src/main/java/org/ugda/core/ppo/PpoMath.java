package org.ugda.core.ppo;

/**
 * The rollout side of classic PPO (TRL v0.8-0.11, as the fixtures pin it) on plain arrays: KL per
 * token, the shaped per-token rewards, GAE and whitening. Arithmetic in double, results in float32
 * arrays [rows * R] laid out as {@link PpoBatch} describes.
 */
public final class PpoMath {
  private PpoMath() {}

  /** Per-token KL of the sampled tokens, masked. */
  public static float[] kl(float[] logp, float[] refLogp, float[] mask, KlEstimator est) {
    float[] out = new float[logp.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = mask[i] == 0 ? 0f : (float) est.of(logp[i], refLogp[i]);
    }
    return out;
  }

  /** Row sums of a [rows * w] array. */
  public static double[] rowSums(float[] a, int rows, int w) {
    double[] s = new double[rows];
    for (int b = 0; b < rows; b++) {
      for (int j = 0; j < w; j++) {
        s[b] += a[b * w + j];
      }
    }
    return s;
  }

  /**
   * r_j = -beta * kl_j, and row b's score added at its last response token j = responseLen[b] - 1.
   */
  public static float[] rewards(float[] kl, double beta, double[] scores, PpoBatch batch) {
    int w = batch.width();
    float[] r = new float[kl.length];
    for (int b = 0; b < batch.rows(); b++) {
      int len = batch.responseLen()[b];
      for (int j = 0; j < len; j++) {
        double v = -beta * kl[b * w + j];
        if (j == len - 1) {
          v += scores[b];
        }
        r[b * w + j] = (float) v;
      }
    }
    return r;
  }

  /**
   * Generalised advantage estimation backwards over each row's response: delta_j = r_j + gamma *
   * V_{j+1} - V_j, A_j = delta_j + gamma * lambda * A_{j+1}, with V and A past the last response
   * token 0. Returns {advantages, returns = advantages + values}.
   */
  public static float[][] gae(
      float[] rewards, float[] values, PpoBatch batch, double gamma, double lambda) {
    int w = batch.width();
    float[] adv = new float[rewards.length];
    float[] ret = new float[rewards.length];
    for (int b = 0; b < batch.rows(); b++) {
      int len = batch.responseLen()[b];
      double nextA = 0;
      double nextV = 0;
      for (int j = len - 1; j >= 0; j--) {
        int i = b * w + j;
        double v = values[i];
        double delta = rewards[i] + gamma * nextV - v;
        double a = delta + gamma * lambda * nextA;
        adv[i] = (float) a;
        ret[i] = (float) (a + v);
        nextA = a;
        nextV = v;
      }
    }
    return new float[][] {adv, ret};
  }

  /**
   * (x - mean) / sqrt(var + 1e-8) over the masked entries: mean and variance over response tokens
   * of the whole batch, variance unbiased (n/(n-1)), the mean not added back; masked entries 0.
   */
  public static float[] whiten(float[] x, float[] mask) {
    double n = 0;
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      n += mask[i];
      sum += x[i] * (double) mask[i];
    }
    if (n < 2) {
      throw new IllegalArgumentException(
          "whitening needs at least two response tokens in the batch, got " + (long) n);
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - mean;
      ss += d * d * mask[i];
    }
    double var = ss / n * (n / (n - 1));
    double inv = 1 / Math.sqrt(var + 1e-8);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = mask[i] == 0 ? 0f : (float) ((x[i] - mean) * inv);
    }
    return out;
  }

  /** Mean over the masked entries: sum(x * m) / sum(m), token-level over the batch. */
  public static double maskedMean(float[] x, float[] mask) {
    double n = 0;
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      n += mask[i];
      s += x[i] * (double) mask[i];
    }
    return s / n;
  }

  /** Everything an epoch of PPO needs, from the rollout's log-probabilities, values and scores. */
  public static RolloutTensors rollout(
      PpoBatch batch,
      float[] oldLogprobs,
      float[] refLogprobs,
      float[] values,
      double[] scores,
      double beta,
      KlEstimator est,
      double gamma,
      double lambda) {
    if (scores.length != batch.rows()) {
      throw new IllegalArgumentException(
          "one score per row: " + batch.rows() + " rows, " + scores.length + " scores");
    }
    float[] mask = batch.mask();
    float[] kl = kl(oldLogprobs, refLogprobs, mask, est);
    float[] rewards = rewards(kl, beta, scores, batch);
    float[][] g = gae(rewards, values, batch, gamma, lambda);
    float[] adv = whiten(g[0], mask);
    double[] klSum = rowSums(kl, batch.rows(), batch.width());
    double klObj = 0;
    for (double k : klSum) {
      klObj += k;
    }
    klObj /= batch.rows();
    return new RolloutTensors(
        batch, mask, oldLogprobs, refLogprobs, values, kl, rewards, g[0], g[1], adv, klSum, klObj);
  }
}
