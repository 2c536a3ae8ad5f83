package org.ugda.core.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types of the safetensors format that {@code core} reads. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2),
  F64(8),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  public boolean isFloating() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /** Parses the dtype string of a safetensors header, naming the file and tensor on failure. */
  static DType parse(String s, String file, String tensor) {
    try {
      return DType.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          file
              + ": tensor '"
              + tensor
              + "' has dtype '"
              + s
              + "'; supported: "
              + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }
}
