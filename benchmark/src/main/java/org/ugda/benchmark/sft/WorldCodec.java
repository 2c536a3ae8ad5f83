package org.ugda.benchmark.sft;

import org.ugda.core.format.HfTokenizer;
import org.ugda.world.vocab.WordLevelTokenizer;

/**
 * Text to model input and back: {@code <s>} + tokens of the HH prompt + tokens of the response +
 * {@code </s>}. The word-level tokenizer drops whitespace, so the HH markers become the words
 * {@code Human:} and {@code Assistant:}.
 */
public final class WorldCodec {
  private final HfTokenizer tokenizer;
  private final int maxLength;

  public WorldCodec(HfTokenizer tokenizer, int maxLength) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
  }

  /** {@code <s>} + prompt tokens: what generation starts from. */
  public long[] prompt(String prompt) {
    long[] p = tokenizer.encode(prompt);
    long[] out = new long[p.length + 1];
    out[0] = WordLevelTokenizer.BOS;
    System.arraycopy(p, 0, out, 1, p.length);
    if (out.length > maxLength) {
      // keep <s> and the end of an over-long prompt: the question sits there
      long[] cut = new long[maxLength];
      cut[0] = WordLevelTokenizer.BOS;
      System.arraycopy(out, out.length - maxLength + 1, cut, 1, maxLength - 1);
      return cut;
    }
    return out;
  }

  /** The whole sequence and where the response starts; the response is cut to fit maxLength. */
  public record Encoded(long[] ids, int promptLength) {}

  public Encoded dialogue(String prompt, String response) {
    long[] p = prompt(prompt);
    long[] r = tokenizer.encode(response);
    int room = Math.max(0, maxLength - p.length - 1);
    int n = Math.min(r.length, room);
    long[] out = new long[p.length + n + 1];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(r, 0, out, p.length, n);
    out[out.length - 1] = WordLevelTokenizer.EOS;
    return new Encoded(out, p.length);
  }

  /** Response text of generated ids (special tokens, the EOS included, dropped). */
  public String decode(long[] generated) {
    return tokenizer.decode(generated, true);
  }

  public int maxLength() {
    return maxLength;
  }
}
