package org.ugda.api.reward;

import org.ugda.api.check.RequestChecks;

/**
 * Creates an ensemble on a base checkpoint (an HF directory with config.json, safetensors and
 * tokenizer.json, given relative to the storage root or as an absolute path under an allowed model
 * root). Version 1 holds the freshly initialised members.
 *
 * @param name 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit; unique
 * @param baseModel the base checkpoint directory; null: the service's default base ({@code
 *     ugda.reward.default-base-model}, the benchmark world's SFT model unless configured otherwise)
 * @param mode {@code lora} (each member a LoRA adapter with its own head, the default) or {@code
 *     heads} (one shared trunk, one head output per member)
 * @param members k, 1 to {@value Ensemble#MAX_MEMBERS} (default 3); the service may allow fewer
 *     ({@code ugda.reward.limits.max-members})
 * @param lora LoRA settings (default: the paper's)
 * @param seed member i is initialised (and ordered during training) from seed + i (default 0)
 */
public record CreateEnsemble(
    String name, String baseModel, EnsembleMode mode, Integer members, LoraSpec lora, Long seed) {

  public CreateEnsemble {
    RequestChecks.ensembleName(name);
    RequestChecks.baseModel(baseModel);
    RequestChecks.range(members, "members", 1, Ensemble.MAX_MEMBERS);
  }
}
