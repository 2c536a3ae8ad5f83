package org.ugda.reward.runtime;

import java.nio.file.Path;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.model.Transformer;

/**
 * A base checkpoint in memory, shared by every ensemble on it: weights, and the tokenizer and codec
 * where the checkpoint has a {@code tokenizer.json} (without one, only token ids can be scored).
 *
 * @param shown the directory as a response may name it (relative to the storage root)
 */
public record LoadedBase(
    Path dir, String shown, Transformer model, HfTokenizer tokenizer, RewardCodec codec) {

  /**
   * The token limit for sequences on this base: the smaller of {@code configured} ({@code
   * ugda.reward.limits.max-tokens}) and the model's {@code max_position_embeddings}.
   */
  public int tokenLimit(int configured) {
    return Math.min(configured, RewardCodec.positions(model.config()));
  }

  /** The codec, or a 400 saying that this base reads token ids only. */
  public RewardCodec requireCodec() {
    if (codec == null) {
      throw new IllegalArgumentException(
          "the base checkpoint '"
              + shown
              + "' has no tokenizer.json: "
              + "send tokenIds instead of text, or add the tokenizer to the checkpoint");
    }
    return codec;
  }
}
