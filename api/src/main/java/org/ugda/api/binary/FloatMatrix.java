package org.ugda.api.binary;

import java.util.Arrays;

/**
 * A dense float32 array read whole from a {@link FloatMatrices} body: its shape and its values in
 * row-major order. The data array is not copied; treat it as read-only.
 */
public record FloatMatrix(long[] shape, float[] data) {

  public FloatMatrix {
    shape = shape.clone();
    FloatMatrices.checkShape(shape);
    long n = FloatMatrices.elements(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
    }
  }

  /** A rows x cols matrix from its rows (all of one length). */
  public static FloatMatrix ofRows(float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] data = new float[Math.multiplyExact(rows.length, cols)];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols) {
        throw new IllegalArgumentException(
            "row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[r], 0, data, r * cols, cols);
    }
    return new FloatMatrix(new long[] {rows.length, cols}, data);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The first dimension. */
  public long rows() {
    return shape[0];
  }

  /** Values per row: the product of every dimension after the first. */
  public int rowLength() {
    return FloatMatrices.rowLength(shape);
  }

  /** A copy of row {@code r}. */
  public float[] row(int r) {
    if (r < 0 || r >= rows()) {
      throw new IndexOutOfBoundsException("row " + r + " of " + rows());
    }
    int n = rowLength();
    return Arrays.copyOfRange(data, r * n, (r + 1) * n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatMatrix m
        && Arrays.equals(shape, m.shape)
        && Arrays.equals(data, m.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatMatrix" + Arrays.toString(shape);
  }
}
