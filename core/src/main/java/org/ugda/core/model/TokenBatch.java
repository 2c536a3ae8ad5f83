package org.ugda.core.model;

import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of token ids as plain Java data, row-major [rows, cols].
 *
 * @param ids token ids; pad positions hold {@code padId}
 * @param mask 1 for a real token, 0 for padding
 * @param positions RoPE positions, or null for 0..cols-1 in every row (what transformers uses when
 *     given none); left-padded generation passes positions counted over real tokens
 */
public record TokenBatch(
    int rows, int cols, long[] ids, long[] mask, long[] positions, long padId) {

  public TokenBatch {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "a batch needs at least one row and one column, got " + rows + "x" + cols);
    }
    if (ids.length != rows * cols || mask.length != rows * cols) {
      throw new IllegalArgumentException(
          "ids and mask must hold rows*cols = " + rows * cols + " values");
    }
    if (positions != null && positions.length != rows * cols) {
      throw new IllegalArgumentException(
          "positions must hold rows*cols = " + rows * cols + " values");
    }
  }

  /** Pads rows on the right with {@code padId} (training and scoring: positions stay 0..n-1). */
  public static TokenBatch rightPadded(List<long[]> seqs, long padId) {
    return padded(seqs, padId, false);
  }

  /** Pads rows on the left, with positions counted from each row's first real token. */
  public static TokenBatch leftPadded(List<long[]> seqs, long padId) {
    return padded(seqs, padId, true);
  }

  private static TokenBatch padded(List<long[]> seqs, long padId, boolean left) {
    if (seqs.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one sequence");
    }
    int cols = 0;
    for (long[] s : seqs) {
      if (s.length == 0) {
        throw new IllegalArgumentException(
            "empty sequence in batch: every row needs at least one token");
      }
      cols = Math.max(cols, s.length);
    }
    int rows = seqs.size();
    long[] ids = new long[rows * cols];
    long[] mask = new long[rows * cols];
    long[] pos = left ? new long[rows * cols] : null;
    Arrays.fill(ids, padId);
    for (int r = 0; r < rows; r++) {
      long[] s = seqs.get(r);
      int off = left ? cols - s.length : 0;
      for (int i = 0; i < s.length; i++) {
        ids[r * cols + off + i] = s[i];
        mask[r * cols + off + i] = 1;
        if (pos != null) {
          pos[r * cols + off + i] = i;
        }
      }
      if (pos != null) {
        // transformers' generate() gives pad slots position 1; they are masked out anyway
        for (int i = 0; i < off; i++) {
          pos[r * cols + i] = 1;
        }
      }
    }
    return new TokenBatch(rows, cols, ids, mask, pos, padId);
  }

  /** This batch k times over, member-major (rows i*B..i*B+B-1 are copy i): for adapter stacks. */
  public TokenBatch repeated(int k) {
    if (k == 1) {
      return this;
    }
    int n = rows * cols;
    long[] i2 = new long[k * n];
    long[] m2 = new long[k * n];
    long[] p2 = positions == null ? null : new long[k * n];
    for (int c = 0; c < k; c++) {
      System.arraycopy(ids, 0, i2, c * n, n);
      System.arraycopy(mask, 0, m2, c * n, n);
      if (p2 != null) {
        System.arraycopy(positions, 0, p2, c * n, n);
      }
    }
    return new TokenBatch(k * rows, cols, i2, m2, p2, padId);
  }

  /** The real tokens of row r, wherever the padding sits. */
  public long[] row(int r) {
    int n = 0;
    for (int c = 0; c < cols; c++) {
      n += mask[r * cols + c] != 0 ? 1 : 0;
    }
    long[] out = new long[n];
    int j = 0;
    for (int c = 0; c < cols; c++) {
      if (mask[r * cols + c] != 0) {
        out[j++] = ids[r * cols + c];
      }
    }
    return out;
  }

  /**
   * The column of the token each row's score is read at, as transformers' {@code
   * *ForSequenceClassification} does: the rightmost token that is not the pad id (the rightmost
   * real token where the model has no pad id).
   */
  public int[] lastTokenIndex(long modelPadId) {
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int last = 0;
      for (int c = 0; c < cols; c++) {
        boolean real = modelPadId >= 0 ? ids[r * cols + c] != modelPadId : mask[r * cols + c] != 0;
        if (real) {
          last = c;
        }
      }
      out[r] = last;
    }
    return out;
  }
}
