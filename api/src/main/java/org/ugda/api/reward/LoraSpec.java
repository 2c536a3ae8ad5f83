package org.ugda.api.reward;

import java.util.List;
import org.ugda.api.check.RequestChecks;

/**
 * LoRA settings of the members; null fields take the paper's defaults (r 8, alpha 64, q_proj and
 * v_proj). Which module names a base has is checked by the service.
 *
 * @param rank r, positive; the service caps it ({@code ugda.reward.limits.max-lora-rank}, 64 by
 *     default: a member's weights grow linearly with r)
 * @param alpha lora_alpha, positive (the update is scaled by alpha / r)
 * @param targets the linear layers that get an adapter, at least one
 */
public record LoraSpec(Integer rank, Double alpha, List<String> targets) {
  public LoraSpec {
    if (rank != null && rank < 1) {
      throw new IllegalArgumentException(
          "lora.rank must be a positive integer (the paper uses 8), got " + rank);
    }
    if (alpha != null && !(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException(
          "lora.alpha must be a positive number (the paper uses 64), got " + alpha);
    }
    if (targets != null) {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(
            "lora.targets must name at least one module, e.g. [\"q_proj\", \"v_proj\"]; "
                + "leave it out for the paper's");
      }
      for (int i = 0; i < targets.size(); i++) {
        RequestChecks.notBlank(
            targets.get(i), "lora.targets[" + i + "]", "a module name such as q_proj");
      }
      targets = List.copyOf(targets);
    }
  }
}
