package org.ugda.reward.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.ugda.core.train.TrainConfig;

/**
 * Settings of the reward service ({@code ugda.reward.*}); what one request may cost is {@link
 * RewardLimits} ({@code ugda.reward.limits.*}).
 *
 * @param storageRoot where adapters, versions and uploaded datasets are written (a PVC in
 *     Kubernetes); base checkpoints are resolved relative to it
 * @param modelRoots other absolute directories a base checkpoint may come from
 * @param defaultBaseModel the base checkpoint of an ensemble whose request names none, resolved as
 *     a request's {@code baseModel} is (relative to the storage root, or absolute under a model
 *     root); default {@code models/world-sft}, where the README's walk-through trains the benchmark
 *     world's SFT model ({@code ./ugda world train-sft --out <storage-root>/models/world-sft})
 * @param batching dynamic batching of concurrent score requests
 * @param loadedVersions ensemble versions kept in memory at once (least recently used are unloaded)
 * @param training defaults for train and refine jobs (the tiny benchmark models need a larger
 *     learning rate than the paper's 1e-6)
 */
@ConfigurationProperties("ugda.reward")
public record RewardProperties(
    Path storageRoot,
    List<Path> modelRoots,
    @DefaultValue(DEFAULT_BASE_MODEL) String defaultBaseModel,
    Batching batching,
    int loadedVersions,
    Training training) {

  /** Where the README's walk-through writes the world's SFT model, under the storage root. */
  public static final String DEFAULT_BASE_MODEL = "models/world-sft";

  public RewardProperties {
    if (storageRoot == null) {
      throw new IllegalArgumentException("ugda.reward.storage-root is required");
    }
    if (defaultBaseModel == null || defaultBaseModel.isBlank()) {
      throw new IllegalArgumentException(
          "ugda.reward.default-base-model must name a checkpoint directory (relative to the"
              + " storage root, or absolute under a model root); leave it unset for "
              + DEFAULT_BASE_MODEL);
    }
    modelRoots = modelRoots == null ? List.of() : List.copyOf(modelRoots);
    batching = batching == null ? new Batching(true, 32, Duration.ofMillis(5), 1, 32) : batching;
    loadedVersions = loadedVersions <= 0 ? 8 : loadedVersions;
    training = training == null ? new Training(2, 8, 1, 1e-3, 1e-4, 0.05, 0.0, 1.0) : training;
  }

  /**
   * @param enabled merge concurrent requests for the same version into one forward pass
   * @param maxBatchSize items per forward pass at most (default 32)
   * @param maxDelay how long the first request of a batch waits for company when fewer than
   *     max-batch-size items are queued (default 0: a pass takes what queued while the last one
   *     ran, and a request that finds the model idle runs at once)
   * @param workers threads running forward passes (default 1; libtorch runs one intra-op thread)
   * @param maxRowsPerPass rows (items x members of a lora stack) per forward pass at most; larger
   *     batches run as several passes (default 32: cache-friendly on a CPU; raise it on a GPU)
   */
  public record Batching(
      boolean enabled, int maxBatchSize, Duration maxDelay, int workers, int maxRowsPerPass) {
    public Batching {
      if (maxBatchSize <= 0 || workers <= 0) {
        throw new IllegalArgumentException(
            "ugda.reward.batching: max-batch-size and workers must be positive");
      }
      maxDelay = maxDelay == null ? Duration.ZERO : maxDelay;
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException(
            "ugda.reward.batching.max-delay must not be negative, got " + maxDelay);
      }
      maxRowsPerPass = maxRowsPerPass <= 0 ? 32 : maxRowsPerPass;
    }
  }

  /** Defaults of {@link TrainConfig} for jobs. */
  public record Training(
      int epochs,
      int batchSize,
      int accumulation,
      double learningRate,
      double floorLearningRate,
      double warmupFraction,
      double weightDecay,
      double clipNorm) {}
}
