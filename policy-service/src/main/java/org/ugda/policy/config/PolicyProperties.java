package org.ugda.policy.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * policy-service's settings ({@code ugda.policy.*}).
 *
 * @param storageRoot where base models are read and checkpoints written (the same root as
 *     reward-service's in the standalone JVM and in Kubernetes: one PVC)
 * @param defaultBaseModel the SFT checkpoint a run or a generation names none (relative to the
 *     storage root)
 * @param limits what one request may ask for
 * @param rewardRetry backoff while reward-service is unreachable: first wait, longest wait
 */
@ConfigurationProperties("ugda.policy")
public record PolicyProperties(
    Path storageRoot,
    @DefaultValue("models/world-sft") String defaultBaseModel,
    Limits limits,
    Retry rewardRetry) {

  public PolicyProperties {
    if (storageRoot == null) {
      throw new IllegalArgumentException("ugda.policy.storage-root is required");
    }
    limits = limits == null ? new Limits(20_000, 20_000, 256, 64, 512) : limits;
    rewardRetry =
        rewardRetry == null
            ? new Retry(Duration.ofMillis(500), Duration.ofSeconds(15))
            : rewardRetry;
  }

  /**
   * @param maxPrompts prompts in one run
   * @param maxPromptChars characters of one prompt
   * @param maxNewTokens tokens one response may have (further capped by the model's positions)
   * @param maxGeneratePrompts prompts in one {@code POST /v1/generate}
   * @param maxPromptTokens prompt tokens kept (the start of a longer prompt is cut, BOS kept)
   */
  public record Limits(
      int maxPrompts,
      int maxPromptChars,
      int maxNewTokens,
      int maxGeneratePrompts,
      int maxPromptTokens) {}

  public record Retry(Duration initial, Duration max) {
    public Retry {
      if (initial == null || max == null || initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "ugda.policy.reward-retry needs 0 <= initial <= max, got " + initial + " and " + max);
      }
    }
  }
}
