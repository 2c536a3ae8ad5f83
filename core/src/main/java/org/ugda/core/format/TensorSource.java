package org.ugda.core.format;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Tensors by name, read one at a time: a single safetensors file or a sharded checkpoint. Floating
 * tensors of any stored precision come back widened to float32.
 */
public interface TensorSource extends Closeable {

  Set<String> names();

  boolean contains(String name);

  /** The header entry of a tensor; a {@link CheckpointException} naming the file if absent. */
  TensorInfo info(String name);

  /** The file that holds a tensor (for error messages). */
  Path fileOf(String name);

  /**
   * The tensor as little-endian float32 in a fresh direct buffer that the caller owns: F16 and BF16
   * are widened in Java (libtorch through DJL cannot take BF16 safely).
   */
  ByteBuffer readFloat32(String name);

  /** The tensor as a float array (widened). */
  float[] readFloats(String name);

  /** An integer tensor (I64, I32, I16, I8, U8, BOOL) as longs. */
  long[] readLongs(String name);

  @Override
  void close();

  /** Checks a tensor's shape, naming the file, the tensor and both shapes on mismatch. */
  default TensorInfo requireShape(String name, long... expected) {
    TensorInfo info = info(name);
    if (!Arrays.equals(info.shape(), expected)) {
      throw new CheckpointException(
          fileOf(name)
              + ": tensor '"
              + name
              + "' has shape "
              + info.shapeString()
              + " but the config expects "
              + Arrays.toString(expected));
    }
    return info;
  }
}
