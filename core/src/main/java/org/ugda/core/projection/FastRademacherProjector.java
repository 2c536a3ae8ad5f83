package org.ugda.core.projection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Rng;

/**
 * The same projection as {@link RademacherProjector}, y = Pi^T g / sqrt(d) with exactly the same
 * matrix Pi (entry (row, col) is {@link RademacherProjector#sign}), computed as float32 matrix
 * products in libtorch (MKL sgemm) instead of exact double sums.
 *
 * <p>For a chunk of n gradients G [n, P], Pi is produced block by block of {@link #rowsPerBlock()}
 * parameter rows: the block's 64-bit words come from the same SplitMix64 stream as the exact
 * projector's, each byte (8 rows of one column) expands through a 256-entry table into 8 floats
 * +-1, written as Pi_block^T [d, rows] into one reused buffer and copied into libtorch; then Y +=
 * G[:, block] @ Pi_block. Generating Pi costs the same whatever n is, so it pays to project many
 * samples per call (GradientFeatures gathers several batches into one chunk). Memory: one block (d
 * x rows floats, 16 MB at d = 8192 and 512 rows), the chunk's gradients and Y.
 *
 * <p><b>Accuracy.</b> The sums run in float32 with MKL's blocking, so results differ from the exact
 * (double-summed, once-rounded) projector by float32 rounding: for Gaussian-like gradients about
 * 2^-24 sqrt(P) ||g|| / sqrt(d) per coordinate. The tests hold every coordinate to {@link
 * #TOLERANCE} ||y||, with y the exact row. A row's result may also differ in its last bits with the
 * number of rows projected together (BLAS may pick other kernels for other shapes).
 */
public final class FastRademacherProjector {

  /** Every coordinate within this fraction of the exact row's L2 norm (see the class comment). */
  public static final double TOLERANCE = 1e-5;

  /** Default parameter rows of Pi generated and multiplied at a time. */
  public static final int DEFAULT_ROWS_PER_BLOCK = 512;

  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  /** SIGNS[8 b + k] = bit k of b ? +1 : -1. */
  private static final float[] SIGNS = new float[256 * 8];

  static {
    for (int b = 0; b < 256; b++) {
      for (int k = 0; k < 8; k++) {
        SIGNS[8 * b + k] = ((b >>> k) & 1) == 1 ? 1f : -1f;
      }
    }
  }

  private final RademacherProjector exact;
  private final long paramCount;
  private final int dim;
  private final long seed;
  private final int rowsPerBlock;

  public FastRademacherProjector(RademacherProjector exact) {
    this(exact, DEFAULT_ROWS_PER_BLOCK);
  }

  /**
   * @param exact the matrix (P, d, seed) to apply
   * @param rowsPerBlock parameter rows per generated block, a positive multiple of 8
   */
  public FastRademacherProjector(RademacherProjector exact, int rowsPerBlock) {
    if (rowsPerBlock <= 0 || rowsPerBlock % 8 != 0) {
      throw new IllegalArgumentException(
          "rows per block must be a positive multiple of 8, got " + rowsPerBlock);
    }
    this.exact = exact;
    this.paramCount = exact.paramCount();
    this.dim = exact.dim();
    this.seed = exact.seed();
    this.rowsPerBlock = rowsPerBlock;
  }

  public RademacherProjector exact() {
    return exact;
  }

  public int dim() {
    return dim;
  }

  public long paramCount() {
    return paramCount;
  }

  public int rowsPerBlock() {
    return rowsPerBlock;
  }

  /** Projects one gradient. */
  public float[] project(float[] gradient) {
    return project(new float[][] {gradient})[0];
  }

  /** Projects a chunk of gradients, each of length P; Pi is generated once for the chunk. */
  public float[][] project(float[][] gradients) {
    int n = gradients.length;
    for (float[] g : gradients) {
      if (g.length != paramCount) {
        throw new IllegalArgumentException(
            "gradient has " + g.length + " values, the projector expects P = " + paramCount);
      }
    }
    if (n == 0) {
      return new float[0][];
    }
    int p = (int) paramCount;
    int rows = (int) Math.min(rowsPerBlock, paramCount);
    ByteBuffer gBuf = direct((long) n * p);
    FloatBuffer gf = gBuf.asFloatBuffer();
    for (int s = 0; s < n; s++) {
      gf.put(s * p, gradients[s]);
    }
    ByteBuffer blockBuf = direct((long) dim * rows);
    FloatBuffer blockFloats = blockBuf.asFloatBuffer();
    float[] block = new float[dim * rows];
    float[] flat;
    try (NDManager scope = DjlRuntime.engine().newBaseManager()) {
      // copied into libtorch-owned memory (NdData), as everywhere in core
      NDArray g = NdData.floats(scope, gBuf, new Shape(n, p));
      NDArray y = scope.zeros(new Shape(n, dim), DataType.FLOAT32);
      for (int r0 = 0; r0 < p; r0 += rows) {
        int here = Math.min(rows, p - r0);
        fillTransposed(block, r0, here);
        blockFloats.put(0, block, 0, dim * here);
        try (NDManager step = scope.newSubManager()) {
          blockBuf.limit(4 * dim * here);
          NDArray piT = NdData.floats(step, blockBuf, new Shape(dim, here));
          blockBuf.clear();
          NDArray gb = g.get(new NDIndex(":, {}:{}", r0, r0 + here));
          gb.attach(step);
          NDArray prod = gb.matMul(piT.transpose());
          y.addi(prod);
        }
      }
      flat = y.toFloatArray();
    }
    double scale = 1.0 / Math.sqrt(dim);
    float[][] out = new float[n][dim];
    for (int s = 0; s < n; s++) {
      float[] o = out[s];
      int base = s * dim;
      for (int j = 0; j < dim; j++) {
        o[j] = (float) (flat[base + j] * scale);
      }
    }
    return out;
  }

  private static ByteBuffer direct(long floats) {
    if (floats * 4 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a chunk of " + floats + " floats is over 2 GB; project fewer samples at a time");
    }
    return ByteBuffer.allocateDirect((int) (floats * 4)).order(ByteOrder.nativeOrder());
  }

  /**
   * block[j * rows + (r - r0)] = sign(r, j) for r in [r0, r0 + rows), every column j: Pi's rows
   * r0.. as the transposed [d, rows] array; r0 is a multiple of 8.
   */
  void fillTransposed(float[] block, int r0, int rows) {
    int blocksPerGroup = dim / 8;
    int g0 = r0 / 8;
    int groups = (rows + 7) / 8;
    int fullGroups = rows / 8;
    for (int w = 0; w < blocksPerGroup; w++) {
      int col0 = 8 * w * rows;
      for (int g = 0; g < fullGroups; g++) {
        long word = Rng.mix(seed + ((long) (g0 + g) * blocksPerGroup + w + 1) * GAMMA);
        int at = col0 + 8 * g;
        for (int c = 0; c < 8; c++, at += rows) {
          int b = (int) ((word >>> (8 * c)) & 0xFF);
          System.arraycopy(SIGNS, 8 * b, block, at, 8);
        }
      }
      if (groups > fullGroups) { // the last rows of P: a partial group
        int g = fullGroups;
        int rest = rows - 8 * g;
        long word = Rng.mix(seed + ((long) (g0 + g) * blocksPerGroup + w + 1) * GAMMA);
        int at = col0 + 8 * g;
        for (int c = 0; c < 8; c++, at += rows) {
          int b = (int) ((word >>> (8 * c)) & 0xFF);
          System.arraycopy(SIGNS, 8 * b, block, at, rest);
        }
      }
    }
  }
}
