package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * Keys and values of every layer for the tokens seen so far, [B, kvHeads, S, headDim] each, and the
 * attention mask of those S positions. Owned by one generation; arrays live in its manager.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private long[] mask = new long[0];
  private int rows = -1;
  private int length;

  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  public int length() {
    return length;
  }

  long[] mask() {
    return mask;
  }

  NDArray keys(int layer) {
    return keys[layer];
  }

  NDArray values(int layer) {
    return values[layer];
  }

  /** Appends a layer's new keys and values, freeing the previous arrays. */
  void put(int layer, NDArray k, NDArray v) {
    NDArray oldK = keys[layer];
    NDArray oldV = values[layer];
    NDArray nk = oldK == null ? k.duplicate() : oldK.concat(k, 2);
    NDArray nv = oldV == null ? v.duplicate() : oldV.concat(v, 2);
    nk.attach(manager);
    nv.attach(manager);
    keys[layer] = nk;
    values[layer] = nv;
    if (oldK != null) {
      oldK.close();
      oldV.close();
    }
  }

  /** Records the mask of the tokens just appended (called once per forward, after all layers). */
  void advance(int batchRows, int cols, long[] newMask) {
    if (rows >= 0 && rows != batchRows) {
      throw new IllegalArgumentException(
          "cache holds " + rows + " rows, the batch has " + batchRows);
    }
    rows = batchRows;
    long[] merged = new long[rows * (length + cols)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(mask, r * length, merged, r * (length + cols), length);
      System.arraycopy(newMask, r * cols, merged, r * (length + cols) + length, cols);
    }
    mask = merged;
    length += cols;
  }

  @Override
  public void close() {
    manager.close();
    Arrays.fill(keys, null);
    Arrays.fill(values, null);
  }
}
