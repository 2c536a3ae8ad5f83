package org.ugda.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Java data into NDArrays that own their memory.
 *
 * <p>DJL's PyTorch engine wraps a direct buffer with {@code from_blob}: the tensor's storage is the
 * Java buffer, kept alive only through the Java wrapper object. Anything libtorch derives from it
 * without copying (views, tensors saved for backward) then depends on a Java object's lifetime.
 * Copying once into libtorch-owned memory removes that dependency; the inputs of a step are small
 * next to the work done on them.
 */
public final class NdData {
  private NdData() {}

  public static NDArray floats(NDManager m, float[] data, Shape shape) {
    try (NDArray blob = m.create(data, shape)) {
      return blob.duplicate();
    }
  }

  public static NDArray longs(NDManager m, long[] data, Shape shape) {
    try (NDArray blob = m.create(data, shape)) {
      return blob.duplicate();
    }
  }

  /** From a direct little-endian float32 buffer (a tensor read from a checkpoint). */
  public static NDArray floats(NDManager m, ByteBuffer data, Shape shape) {
    try (NDArray blob = m.create(data, shape, DataType.FLOAT32)) {
      return blob.duplicate();
    }
  }
}
