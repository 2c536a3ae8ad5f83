package org.ugda.api.reward;

/**
 * Creates an ensemble on a base checkpoint (an HF directory with config.json, safetensors and
 * tokenizer.json, given relative to the storage root or as an absolute path under an allowed model
 * root). Version 1 holds the freshly initialised members.
 *
 * @param mode {@code lora} (each member a LoRA adapter with its own head) or {@code heads} (one
 *     shared trunk, one head output per member)
 * @param members k, at least 1 (default 3)
 * @param seed member i is initialised (and ordered during training) from seed + i
 */
public record CreateEnsemble(
    String name, String baseModel, String mode, Integer members, LoraSpec lora, Long seed) {}
