package org.ugda.api.policy;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/generate}: responses of the base model, or of a run's policy at a checkpoint.
 *
 * @param prompts 1 or more HH prompts (the service caps the count)
 * @param runId with {@code epoch}: that checkpoint's policy; both null: the base (SFT) model
 * @param epoch a checkpoint of the run
 * @param baseModel the base when no run is named (null: the service's default)
 */
public record GenerateRequest(
    List<String> prompts, UUID runId, Integer epoch, String baseModel, Sampling sampling) {
  public GenerateRequest {
    if (prompts == null || prompts.isEmpty()) {
      throw new IllegalArgumentException("prompts must hold at least one prompt");
    }
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i) == null || prompts.get(i).isBlank()) {
        throw new IllegalArgumentException("prompts[" + i + "] is blank");
      }
    }
    prompts = List.copyOf(prompts);
    if ((runId == null) != (epoch == null)) {
      throw new IllegalArgumentException(
          "runId and epoch go together: name a checkpoint, or neither");
    }
    if (runId != null && baseModel != null) {
      throw new IllegalArgumentException("baseModel applies without a run only");
    }
    if (epoch != null && epoch < 1) {
      throw new IllegalArgumentException("epoch must be 1 or more, got " + epoch);
    }
  }
}
