package org.ugda.core.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file read through a memory map, tensor by tensor: opening it reads only the header,
 * so multi-GB shards cost no heap. Each read maps just the bytes of one tensor (in windows below 2
 * GB) and copies or widens them into a buffer the caller owns.
 */
public final class SafeTensorsFile implements TensorSource {

  /** Larger headers are refused: real ones are a few hundred KB. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final int WINDOW = 1 << 30;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafeTensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens a file and validates its header: dtypes, shapes and byte ranges. */
  public static SafeTensorsFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(path + ": no such safetensors file");
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot open: " + e.getMessage(), e);
    }
    try {
      long size = ch.size();
      if (size < 8) {
        throw new CheckpointException(path + ": not a safetensors file (" + size + " bytes)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
        throw new CheckpointException(
            path
                + ": not a safetensors file (header length "
                + headerLen
                + ", file size "
                + size
                + ")");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      String json = new String(header.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLen;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      parseHeader(path, json, size - dataStart, tensors, metadata);
      return new SafeTensorsFile(
          path,
          ch,
          dataStart,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    } catch (RuntimeException | IOException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the original failure is what the user needs
      }
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException(
          path + ": cannot read safetensors header: " + e.getMessage(), e);
    }
  }

  private static void parseHeader(
      Path path,
      String json,
      long dataBytes,
      Map<String, TensorInfo> out,
      Map<String, String> meta) {
    JsonObject root;
    try {
      root = JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(
          path + ": safetensors header is not a JSON object: " + e.getMessage());
    }
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
          meta.put(m.getKey(), m.getValue().getAsString());
        }
        continue;
      }
      try {
        JsonObject t = e.getValue().getAsJsonObject();
        DType dtype = DType.parse(t.get("dtype").getAsString(), path.toString(), name);
        var shapeArr = t.getAsJsonArray("shape");
        long[] shape = new long[shapeArr.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeArr.get(i).getAsLong();
        }
        var off = t.getAsJsonArray("data_offsets");
        long begin = off.get(0).getAsLong();
        long end = off.get(1).getAsLong();
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        if (begin < 0 || end < begin || end > dataBytes) {
          throw new CheckpointException(
              path
                  + ": tensor '"
                  + name
                  + "' has data_offsets ["
                  + begin
                  + ", "
                  + end
                  + "] outside the "
                  + dataBytes
                  + " data bytes (truncated file?)");
        }
        if (info.numel() * dtype.bytes() != end - begin) {
          throw new CheckpointException(
              path
                  + ": tensor '"
                  + name
                  + "' of shape "
                  + info.shapeString()
                  + " and dtype "
                  + dtype
                  + " needs "
                  + info.numel() * dtype.bytes()
                  + " bytes but its offsets span "
                  + (end - begin));
        }
        out.put(name, info);
      } catch (CheckpointException ce) {
        throw ce;
      } catch (RuntimeException re) {
        throw new CheckpointException(
            path + ": malformed header entry for tensor '" + name + "': " + re.getMessage());
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public Set<String> names() {
    return tensors.keySet();
  }

  @Override
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  @Override
  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new CheckpointException(path + ": missing tensor '" + name + "'");
    }
    return info;
  }

  @Override
  public Path fileOf(String name) {
    return path;
  }

  @Override
  public ByteBuffer readFloat32(String name) {
    TensorInfo info = info(name);
    requireFloating(info, name, true, "a floating type");
    long n = info.numel();
    if (n * 4 > Integer.MAX_VALUE) {
      throw new CheckpointException(
          path + ": tensor '" + name + "' has " + n + " elements, over 2 GB as float32");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.LITTLE_ENDIAN);
    forEachWindow(info, (src, count) -> widen(info.dtype(), src, out, count));
    out.flip();
    return out;
  }

  /** Fails unless the tensor's dtype is floating, or integer when {@code floating} is false. */
  private void requireFloating(TensorInfo info, String name, boolean floating, String expected) {
    if (info.dtype().isFloating() != floating) {
      throw new CheckpointException(
          path
              + ": tensor '"
              + name
              + "' has dtype "
              + info.dtype()
              + "; "
              + expected
              + " was expected");
    }
  }

  @Override
  public float[] readFloats(String name) {
    ByteBuffer b = readFloat32(name);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Override
  public long[] readLongs(String name) {
    TensorInfo info = info(name);
    requireFloating(info, name, false, "an integer type");
    long[] out = new long[Math.toIntExact(info.numel())];
    int[] at = {0};
    forEachWindow(
        info,
        (src, count) -> {
          for (long i = 0; i < count; i++) {
            out[at[0]++] =
                switch (info.dtype()) {
                  case I64 -> src.getLong();
                  case I32 -> src.getInt();
                  case I16 -> src.getShort();
                  case I8 -> src.get();
                  case U8, BOOL -> src.get() & 0xFF;
                  default -> throw new IllegalStateException();
                };
          }
        });
    return out;
  }

  private interface WindowConsumer {
    void accept(ByteBuffer src, long elements);
  }

  /** Maps a tensor's bytes in windows under 2 GB, each a whole number of elements. */
  private void forEachWindow(TensorInfo info, WindowConsumer consumer) {
    int elem = info.dtype().bytes();
    long window = (WINDOW / elem) * (long) elem;
    long pos = dataStart + info.begin();
    long remaining = info.byteLength();
    try {
      while (remaining > 0) {
        long len = Math.min(window, remaining);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, pos, len);
        map.order(ByteOrder.LITTLE_ENDIAN);
        consumer.accept(map, len / elem);
        pos += len;
        remaining -= len;
      }
    } catch (IOException e) {
      throw new CheckpointException(
          path + ": cannot read tensor '" + info.name() + "': " + e.getMessage(), e);
    }
  }

  private static void widen(DType dtype, ByteBuffer src, ByteBuffer out, long count) {
    switch (dtype) {
      case F32 -> out.put(src);
      case BF16 -> {
        for (long i = 0; i < count; i++) {
          out.putFloat(Half.bf16ToFloat(src.getShort()));
        }
      }
      case F16 -> {
        for (long i = 0; i < count; i++) {
          out.putFloat(Half.toFloat(src.getShort()));
        }
      }
      case F64 -> {
        for (long i = 0; i < count; i++) {
          out.putFloat((float) src.getDouble());
        }
      }
      default -> throw new IllegalStateException("not floating: " + dtype);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot close: " + e.getMessage(), e);
    }
  }
}
