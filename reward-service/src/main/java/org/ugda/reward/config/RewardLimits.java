package org.ugda.reward.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.RefineRequest;

/**
 * What one request may cost the service in memory, disk and time ({@code ugda.reward.limits.*}).
 * The defaults suit a CPU and the benchmark world (its small preset has 3,000 training pairs; the
 * paper trains with r 8, 3 members, 1-2 epochs); raise them deliberately on a GPU.
 *
 * <p>A request past a limit is refused before anything is stored or run, with a message that names
 * the limit and its key: a 413 where the request body itself is too large ({@code max-items},
 * {@code max-text-chars}, {@code max-inline-pairs}: split it), a 400 for everything else. Each
 * limit is positive, and none may exceed the bound the API itself sets for the field (members 16,
 * epochs 100, batch size 512, accumulation 1024, labels 100,000), which this record checks.
 *
 * @param maxItems items per score request (default 256; 413 beyond)
 * @param maxTokens tokens per sequence in scoring, training, refine and evaluation (default 512,
 *     the paper's max length); a base model with a smaller {@code max_position_embeddings} lowers
 *     it for its ensembles. Longer texts are cut from the start of the prompt
 * @param maxTextChars characters per prompt or response, and token ids per item (default 20,000;
 *     413 beyond): bounds the tokenizer's work before truncation
 * @param maxInlinePairs preference pairs sent inline in a request (default 5,000; 413 beyond)
 * @param maxEvalPairs pairs one evaluate request scores; it runs synchronously (default 10,000: two
 *     sequences per pair, seconds to a minute on a CPU for the world's model)
 * @param maxDatasetPairs pairs in an upload or in a train job's dataset (default 20,000)
 * @param maxDatasetSize bytes of an uploaded or referenced ({@code {path}}) dataset file, checked
 *     before it is read (default 64 MB, the upload limit)
 * @param maxLoraRank LoRA rank r of a member (default 64; the paper uses 8): a member's weights
 *     grow linearly with it
 * @param maxMembers members of an ensemble, created or imported (default 8; the API allows 16)
 * @param maxEpochs epochs of a train or refine job (default 20)
 * @param maxTrainingBatchSize sequences per micro-batch of a train or refine job (default 64): the
 *     activation memory of a training step grows with it
 * @param maxAccumulation micro-batches per optimizer step (default 64)
 * @param maxLabels expert labels in one refine job (default 10,000)
 * @param maxLogSize rewards per member in a refine job's interaction log ({@code logRewards}, or
 *     what policy-service sends for a {@code runId}) and samples in {@code logSamples}, each of
 *     which is scored (default 20,000)
 * @param maxTrainingExamples what one job trains, in examples seen: pairs (train) or labels
 *     (refine) x epochs x trained adapters (k in lora mode, 1 in heads mode); bounds a job's time
 *     (default 200,000: the small world's 3,000 pairs for 2 epochs with 3 members is 18,000)
 */
@ConfigurationProperties("ugda.reward.limits")
public record RewardLimits(
    @DefaultValue("256") int maxItems,
    @DefaultValue("512") int maxTokens,
    @DefaultValue("20000") int maxTextChars,
    @DefaultValue("5000") int maxInlinePairs,
    @DefaultValue("10000") int maxEvalPairs,
    @DefaultValue("20000") int maxDatasetPairs,
    @DefaultValue("64MB") DataSize maxDatasetSize,
    @DefaultValue("64") int maxLoraRank,
    @DefaultValue("8") int maxMembers,
    @DefaultValue("20") int maxEpochs,
    @DefaultValue("64") int maxTrainingBatchSize,
    @DefaultValue("64") int maxAccumulation,
    @DefaultValue("10000") int maxLabels,
    @DefaultValue("20000") int maxLogSize,
    @DefaultValue("200000") long maxTrainingExamples) {

  /** The prefix of every key this record binds. */
  public static final String PREFIX = "ugda.reward.limits.";

  public RewardLimits {
    positive("max-items", maxItems);
    positive("max-tokens", maxTokens);
    positive("max-text-chars", maxTextChars);
    positive("max-inline-pairs", maxInlinePairs);
    positive("max-eval-pairs", maxEvalPairs);
    positive("max-dataset-pairs", maxDatasetPairs);
    if (maxDatasetSize == null || maxDatasetSize.toBytes() <= 0) {
      throw new IllegalArgumentException(
          PREFIX + "max-dataset-size must be a positive size such as 64MB, got " + maxDatasetSize);
    }
    positive("max-lora-rank", maxLoraRank);
    within("max-members", maxMembers, Ensemble.MAX_MEMBERS);
    within("max-epochs", maxEpochs, 100);
    within("max-training-batch-size", maxTrainingBatchSize, 512);
    within("max-accumulation", maxAccumulation, 1024);
    within("max-labels", maxLabels, RefineRequest.MAX_LABELS);
    positive("max-log-size", maxLogSize);
    positive("max-training-examples", maxTrainingExamples);
  }

  /**
   * Refuses {@code value} of the request field {@code field} past {@code limit}, the limit under
   * {@code key}: a 400 that names both.
   */
  public static void atMost(String field, long value, long limit, String key) {
    if (value > limit) {
      throw new IllegalArgumentException(
          field
              + " is "
              + value
              + "; this service takes at most "
              + limit
              + " ("
              + PREFIX
              + key
              + ")");
    }
  }

  /** The defaults of train and refine jobs must themselves be within the limits. */
  public void requireWithin(RewardProperties.Training defaults) {
    defaultWithin("epochs", defaults.epochs(), "max-epochs", maxEpochs);
    defaultWithin(
        "batch-size", defaults.batchSize(), "max-training-batch-size", maxTrainingBatchSize);
    defaultWithin("accumulation", defaults.accumulation(), "max-accumulation", maxAccumulation);
  }

  private static void defaultWithin(String field, int value, String key, int limit) {
    if (value < 1 || value > limit) {
      throw new IllegalArgumentException(
          "ugda.reward.training."
              + field
              + " is "
              + value
              + "; it must be 1.."
              + limit
              + " ("
              + PREFIX
              + key
              + ")");
    }
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(PREFIX + key + " must be positive, got " + value);
    }
  }

  private static void within(String key, int value, int bound) {
    if (value < 1 || value > bound) {
      throw new IllegalArgumentException(
          PREFIX + key + " must be 1.." + bound + " (the API's own bound), got " + value);
    }
  }
}
