package org.ugda.api.policy;

import java.util.List;
import org.ugda.api.check.RequestChecks;

/**
 * A PPO run's settings (DESIGN.md section 3, step 2); null fields take {@link #defaults()}: the
 * paper's where it gives one (2 epochs, 4 PPO epochs, LoRA rank 8 / alpha 64 on q_proj and v_proj,
 * Adam betas 0.9/0.95, GAE lambda 0.95, cosine schedule), classic TRL's where it does not (beta 0.1
 * fixed, clips 0.2, value coefficient 0.1), and a learning rate sized for the benchmark world's
 * tiny models (1e-4; the paper's 1e-6 is for Gemma-2B).
 *
 * @param epochs passes over the prompt set; one checkpoint per epoch
 * @param batchSize prompts per PPO step (rollout batch)
 * @param minibatchSize rows per optimizer step inside a step
 * @param ppoEpochs passes over each rollout batch
 * @param learningRate peak of the cosine schedule
 * @param floorLearningRate end of the cosine schedule
 * @param beta KL coefficient (initial value when adaptive)
 * @param adaptiveKl Ziegler et al.'s controller
 * @param klTarget the controller's target (summed KL per sample)
 * @param klHorizon the controller's horizon (samples)
 * @param klEstimator {@code k1} or {@code k3}
 * @param gamma GAE discount
 * @param lambda GAE lambda
 * @param clipRange policy ratio clip
 * @param clipRangeValue value clip
 * @param valueCoef value-loss weight
 * @param maxGradNorm global gradient clipping, 0 = off
 * @param missingEosPenalty subtracted from the score of a response that ran out of tokens before
 *     its EOS; 0 = off
 * @param loraRank policy adapter rank
 * @param loraAlpha policy adapter alpha
 * @param loraTargets projections the adapter targets
 * @param sampling rollout sampling (seed: the run's seed is used where it is unset)
 * @param seed adapter and head initialisation, prompt order, minibatch order, sampling
 */
public record PpoSettings(
    Integer epochs,
    Integer batchSize,
    Integer minibatchSize,
    Integer ppoEpochs,
    Double learningRate,
    Double floorLearningRate,
    Double beta,
    Boolean adaptiveKl,
    Double klTarget,
    Double klHorizon,
    String klEstimator,
    Double gamma,
    Double lambda,
    Double clipRange,
    Double clipRangeValue,
    Double valueCoef,
    Double maxGradNorm,
    Double missingEosPenalty,
    Integer loraRank,
    Integer loraAlpha,
    List<String> loraTargets,
    Sampling sampling,
    Long seed) {

  public PpoSettings {
    RequestChecks.range(epochs, "settings.epochs", 1, 100);
    RequestChecks.range(batchSize, "settings.batchSize", 2, 1024);
    RequestChecks.range(minibatchSize, "settings.minibatchSize", 1, 1024);
    RequestChecks.range(ppoEpochs, "settings.ppoEpochs", 1, 32);
    RequestChecks.range(learningRate, "settings.learningRate", 0, 1);
    RequestChecks.range(floorLearningRate, "settings.floorLearningRate", 0, 1);
    RequestChecks.range(beta, "settings.beta", 0, 100);
    RequestChecks.range(klTarget, "settings.klTarget", 1e-6, 1e6);
    RequestChecks.range(klHorizon, "settings.klHorizon", 1, 1e9);
    RequestChecks.range(gamma, "settings.gamma", 0, 1);
    RequestChecks.range(lambda, "settings.lambda", 0, 1);
    RequestChecks.range(clipRange, "settings.clipRange", 1e-6, 10);
    RequestChecks.range(clipRangeValue, "settings.clipRangeValue", 1e-6, 1e6);
    RequestChecks.range(valueCoef, "settings.valueCoef", 0, 100);
    RequestChecks.range(maxGradNorm, "settings.maxGradNorm", 0, 1e6);
    RequestChecks.range(missingEosPenalty, "settings.missingEosPenalty", 0, 1e6);
    RequestChecks.range(loraRank, "settings.loraRank", 1, 64);
    RequestChecks.range(loraAlpha, "settings.loraAlpha", 1, 4096);
    if (klEstimator != null && !klEstimator.equals("k1") && !klEstimator.equals("k3")) {
      throw new IllegalArgumentException(
          "settings.klEstimator must be k1 or k3, got " + RequestChecks.quoted(klEstimator));
    }
    if (loraTargets != null) {
      if (loraTargets.isEmpty()) {
        throw new IllegalArgumentException(
            "settings.loraTargets must name at least one projection");
      }
      loraTargets = List.copyOf(loraTargets);
    }
    if (minibatchSize != null && batchSize != null && minibatchSize > batchSize) {
      throw new IllegalArgumentException(
          "settings.minibatchSize ("
              + minibatchSize
              + ") must not exceed settings.batchSize ("
              + batchSize
              + ")");
    }
  }

  public static PpoSettings defaults() {
    return new PpoSettings(
        2,
        16,
        8,
        4,
        1e-4,
        1e-5,
        0.1,
        false,
        6.0,
        10000.0,
        "k1",
        1.0,
        0.95,
        0.2,
        0.2,
        0.1,
        1.0,
        0.0,
        8,
        64,
        List.of("q_proj", "v_proj"),
        new Sampling(null, null, null, null, null),
        0L);
  }

  /** Every null field replaced by its default. */
  public PpoSettings withDefaults() {
    PpoSettings d = defaults();
    Sampling s = sampling == null ? d.sampling() : sampling;
    return new PpoSettings(
        epochs == null ? d.epochs : epochs,
        batchSize == null ? d.batchSize : batchSize,
        minibatchSize == null
            ? Math.min(d.minibatchSize, batchSize == null ? 16 : batchSize)
            : minibatchSize,
        ppoEpochs == null ? d.ppoEpochs : ppoEpochs,
        learningRate == null ? d.learningRate : learningRate,
        floorLearningRate == null ? d.floorLearningRate : floorLearningRate,
        beta == null ? d.beta : beta,
        adaptiveKl == null ? d.adaptiveKl : adaptiveKl,
        klTarget == null ? d.klTarget : klTarget,
        klHorizon == null ? d.klHorizon : klHorizon,
        klEstimator == null ? d.klEstimator : klEstimator,
        gamma == null ? d.gamma : gamma,
        lambda == null ? d.lambda : lambda,
        clipRange == null ? d.clipRange : clipRange,
        clipRangeValue == null ? d.clipRangeValue : clipRangeValue,
        valueCoef == null ? d.valueCoef : valueCoef,
        maxGradNorm == null ? d.maxGradNorm : maxGradNorm,
        missingEosPenalty == null ? d.missingEosPenalty : missingEosPenalty,
        loraRank == null ? d.loraRank : loraRank,
        loraAlpha == null ? d.loraAlpha : loraAlpha,
        loraTargets == null ? d.loraTargets : loraTargets,
        s,
        seed == null ? d.seed : seed);
  }
}
