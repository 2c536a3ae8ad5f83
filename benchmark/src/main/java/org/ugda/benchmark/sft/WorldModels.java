package org.ugda.benchmark.sft;

import java.util.List;
import org.ugda.core.format.ModelConfig;
import org.ugda.world.vocab.WordLevelTokenizer;

/**
 * Model presets of the benchmark world: tiny Llama-family decoders trained from scratch on a 2-core
 * CPU. They need larger learning rates than the paper's 7B models (DESIGN.md section 3).
 */
public final class WorldModels {
  private WorldModels() {}

  /** Names of the presets, smallest first. */
  public static final List<String> PRESETS = List.of("tiny", "small");

  /**
   * {@code small}: 4 layers, 128 wide, 4 heads over 2 KV heads (GQA), SwiGLU 384, ~0.9M weights.
   * {@code tiny}: 2 layers, 64 wide, for tests.
   */
  public static ModelConfig config(String preset, int vocab) {
    return switch (preset) {
      case "small" -> llama(vocab, 128, 384, 4, 4, 2);
      case "tiny" -> llama(vocab, 64, 192, 2, 4, 2);
      default ->
          throw new IllegalArgumentException(
              "unknown model preset '" + preset + "'; choose one of " + PRESETS);
    };
  }

  /**
   * {@link ModelConfig#llama}'s specials (pad 0, bos 1, eos 2) are the world tokenizer's: {@link
   * WordLevelTokenizer#PAD}, {@link WordLevelTokenizer#BOS}, {@link WordLevelTokenizer#EOS}.
   */
  private static ModelConfig llama(
      int vocab, int hidden, int ffn, int layers, int heads, int kvHeads) {
    return ModelConfig.llama(vocab, hidden, ffn, layers, heads, kvHeads, 256);
  }
}
