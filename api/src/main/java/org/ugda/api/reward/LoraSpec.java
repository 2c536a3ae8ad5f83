package org.ugda.api.reward;

import java.util.List;

/**
 * LoRA settings of the members; null fields take the paper's defaults (r 8, alpha 64, q_proj and
 * v_proj).
 */
public record LoraSpec(Integer rank, Double alpha, List<String> targets) {
  public LoraSpec {
    targets = targets == null ? null : List.copyOf(targets);
  }
}
