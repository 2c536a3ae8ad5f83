package org.ugda.core.ppo;

/**
 * What a rollout gives each PPO epoch, every per-token array [rows * R] in {@link PpoBatch}'s
 * layout (masked entries 0), plus the controller's input.
 *
 * @param oldLogprobs policy log-probabilities of the sampled tokens, at rollout time
 * @param refLogprobs the reference's (adapter off)
 * @param values the value head's estimates at rollout time
 * @param kl per-token KL estimate (k1 or k3)
 * @param rewards -beta * kl, plus the score at each row's last response token
 * @param advantagesRaw GAE before whitening
 * @param returns advantagesRaw + values
 * @param advantages whitened over the batch's response tokens
 * @param klSum per row, the KL summed over its response
 * @param klObjective mean over rows of klSum (the adaptive controller's input)
 */
public record RolloutTensors(
    PpoBatch batch,
    float[] mask,
    float[] oldLogprobs,
    float[] refLogprobs,
    float[] values,
    float[] kl,
    float[] rewards,
    float[] advantagesRaw,
    float[] returns,
    float[] advantages,
    double[] klSum,
    double klObjective) {

  public int width() {
    return batch.width();
  }

  /** Columns 0..w-1 of rows from..to-1 of a [rows * R] array. */
  public float[] rows(float[] a, int from, int to, int w) {
    int width = width();
    float[] out = new float[(to - from) * w];
    for (int b = from; b < to; b++) {
      System.arraycopy(a, b * width, out, (b - from) * w, w);
    }
    return out;
  }
}
