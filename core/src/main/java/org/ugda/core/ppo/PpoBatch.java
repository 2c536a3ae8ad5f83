package org.ugda.core.ppo;

import java.util.ArrayList;
import java.util.List;
import org.ugda.core.model.TokenBatch;

/**
 * A batch of (prompt, response) rows in the layout PPO works in (fixtures README, "Layout"): every
 * per-token quantity is [rows, R] over response tokens, R the longest response; entry [b, j] is
 * response token j of row b, input token {@code promptLen[b] + j} of the right-padded sequence,
 * whose log-probability is read off the logits at the token before it and whose value off the value
 * head there. Entries past a row's response are masked out (0 in every tensor).
 *
 * @param sequences prompt followed by response, per row
 * @param promptLen prompt tokens per row (at least 1)
 * @param responseLen response tokens per row (at least 1)
 */
public record PpoBatch(List<long[]> sequences, int[] promptLen, int[] responseLen) {

  public PpoBatch {
    sequences = List.copyOf(sequences);
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("a PPO batch needs at least one row");
    }
    if (promptLen.length != sequences.size() || responseLen.length != sequences.size()) {
      throw new IllegalArgumentException(
          "one prompt and one response length per row: "
              + sequences.size()
              + " rows, "
              + promptLen.length
              + " prompt lengths, "
              + responseLen.length
              + " response lengths");
    }
    for (int b = 0; b < sequences.size(); b++) {
      if (promptLen[b] < 1 || responseLen[b] < 1) {
        throw new IllegalArgumentException(
            "row " + b + " needs at least one prompt and one response token");
      }
      if (promptLen[b] + responseLen[b] != sequences.get(b).length) {
        throw new IllegalArgumentException(
            "row "
                + b
                + ": prompt "
                + promptLen[b]
                + " + response "
                + responseLen[b]
                + " tokens, but the sequence has "
                + sequences.get(b).length);
      }
    }
    promptLen = promptLen.clone();
    responseLen = responseLen.clone();
  }

  /** Rows from prompts and the responses generated for them. */
  public static PpoBatch of(List<long[]> prompts, List<long[]> responses) {
    if (prompts.size() != responses.size()) {
      throw new IllegalArgumentException(
          prompts.size() + " prompts but " + responses.size() + " responses");
    }
    List<long[]> seqs = new ArrayList<>();
    int[] p = new int[prompts.size()];
    int[] r = new int[prompts.size()];
    for (int b = 0; b < prompts.size(); b++) {
      long[] q = prompts.get(b);
      long[] a = responses.get(b);
      long[] s = new long[q.length + a.length];
      System.arraycopy(q, 0, s, 0, q.length);
      System.arraycopy(a, 0, s, q.length, a.length);
      seqs.add(s);
      p[b] = q.length;
      r[b] = a.length;
    }
    return new PpoBatch(seqs, p, r);
  }

  public int rows() {
    return sequences.size();
  }

  /** R: the longest response, the width of every per-token tensor. */
  public int width() {
    int w = 0;
    for (int r : responseLen) {
      w = Math.max(w, r);
    }
    return w;
  }

  /** 1 over response tokens, 0 past them, [rows * R]. */
  public float[] mask() {
    int w = width();
    float[] m = new float[rows() * w];
    for (int b = 0; b < rows(); b++) {
      for (int j = 0; j < responseLen[b]; j++) {
        m[b * w + j] = 1f;
      }
    }
    return m;
  }

  /** Response tokens in the batch. */
  public int responseTokens() {
    int n = 0;
    for (int r : responseLen) {
      n += r;
    }
    return n;
  }

  /** The response of row b. */
  public long[] response(int b) {
    long[] s = sequences.get(b);
    long[] out = new long[responseLen[b]];
    System.arraycopy(s, promptLen[b], out, 0, responseLen[b]);
    return out;
  }

  /** Right-padded token batch (positions 0..n-1, as for training). */
  public TokenBatch tokens(long padId) {
    return TokenBatch.rightPadded(sequences, padId);
  }

  /**
   * For each [b, j] the column of the flattened [rows, cols - 1] next-token table (and of the
   * [rows, cols] value table shifted by one) that holds response token j's quantity: {@code
   * promptLen[b] + j - 1}, clamped to row b's last real column where j is past the response.
   */
  long[] gatherColumns() {
    int w = width();
    long[] idx = new long[rows() * w];
    for (int b = 0; b < rows(); b++) {
      for (int j = 0; j < w; j++) {
        int jj = Math.min(j, responseLen[b] - 1);
        idx[b * w + j] = promptLen[b] + jj - 1;
      }
    }
    return idx;
  }

  /** The rows {@code from..to-1} as a batch of their own (a PPO minibatch). */
  public PpoBatch slice(int from, int to) {
    int[] p = new int[to - from];
    int[] r = new int[to - from];
    System.arraycopy(promptLen, from, p, 0, to - from);
    System.arraycopy(responseLen, from, r, 0, to - from);
    return new PpoBatch(sequences.subList(from, to), p, r);
  }
}
