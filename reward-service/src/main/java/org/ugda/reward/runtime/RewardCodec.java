package org.ugda.reward.runtime;

import java.util.Arrays;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.format.ModelConfig;
import org.ugda.world.text.Dialogue;

/**
 * Turns (prompt, response) into the token ids a reward model reads: {@code <bos>} + tokens of the
 * HH dialogue (a prompt without {@code "\n\nHuman:"} is taken as one human turn) + {@code <eos>},
 * the BOS and EOS only where the model's config names them. The reward is read at the last token.
 *
 * <p><b>Truncation rule.</b> Longer than the limit: tokens are cut from the start of the dialogue,
 * just after BOS (the oldest prompt text first, then the start of the response), so the end the
 * reward is read at is always kept. The number cut is reported with every score. The limit is the
 * smaller of the configured one ({@code ugda.reward.limits.max-tokens}) and the positions the model
 * has ({@code max_position_embeddings}): a longer sequence would run past what the model was built
 * for, silently.
 */
public final class RewardCodec {
  private final HfTokenizer tokenizer;
  private final long bos;
  private final long eos;
  private final int positions;

  public RewardCodec(HfTokenizer tokenizer, ModelConfig config) {
    this.tokenizer = tokenizer;
    this.bos = config.bosTokenId();
    this.eos = config.eosTokenIds().isEmpty() ? -1 : config.eosTokenIds().get(0);
    this.positions = positions(config);
  }

  /** The model's {@code max_position_embeddings}, or no bound where the config gives none. */
  static int positions(ModelConfig config) {
    return config.maxPositionEmbeddings() > 0 ? config.maxPositionEmbeddings() : Integer.MAX_VALUE;
  }

  /** The token limit that applies: the smaller of {@code configured} and the model's positions. */
  public int limit(int configured) {
    return Math.min(configured, positions);
  }

  /** Encoded ids and how many were cut. */
  public record Encoded(long[] ids, int dropped) {}

  /** Encodes for a configured limit {@code maxTokens}, capped at the model's ({@link #limit}). */
  public Encoded encode(String prompt, String response, int maxTokens) {
    maxTokens = limit(maxTokens);
    String p = prompt.contains(Dialogue.HUMAN) ? prompt : Dialogue.prompt(prompt);
    if (!p.strip().endsWith(Dialogue.ASSISTANT.strip())) {
      p = p + Dialogue.ASSISTANT;
    }
    long[] text = tokenizer.encode(Dialogue.join(p, response));
    int extra = (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0);
    int keep = Math.max(1, maxTokens - extra);
    int dropped = Math.max(0, text.length - keep);
    long[] body = dropped > 0 ? Arrays.copyOfRange(text, dropped, text.length) : text;
    long[] out = new long[body.length + extra];
    int at = 0;
    if (bos >= 0) {
      out[at++] = bos;
    }
    System.arraycopy(body, 0, out, at, body.length);
    if (eos >= 0) {
      out[out.length - 1] = eos;
    }
    return new Encoded(out, dropped);
  }
}
