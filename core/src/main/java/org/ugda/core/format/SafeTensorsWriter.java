package org.ugda.core.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ugda.core.tensor.FloatTensor;

/**
 * Writes safetensors files (single or sharded with {@code model.safetensors.index.json})
 * atomically: into a temporary file beside the target, forced to disk, then renamed, so a reader
 * never sees half a file.
 */
public final class SafeTensorsWriter {

  private record Entry(String name, DType dtype, long[] shape, float[] floats, long[] longs) {
    long bytes() {
      long n = floats != null ? floats.length : longs.length;
      return n * dtype.bytes();
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, String> metadata = new TreeMap<>();

  public SafeTensorsWriter() {
    metadata.put("format", "pt");
  }

  /** Adds a float tensor, stored as {@code dtype} (F32, F16 or BF16). */
  public SafeTensorsWriter add(String name, FloatTensor t, DType dtype) {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("floats can be stored as F32, F16 or BF16, not " + dtype);
    }
    requireNew(name);
    entries.add(new Entry(name, dtype, t.shape(), t.data(), null));
    return this;
  }

  public SafeTensorsWriter add(String name, FloatTensor t) {
    return add(name, t, DType.F32);
  }

  /** Adds an I64 tensor (token ids, masks). */
  public SafeTensorsWriter addLongs(String name, long[] data, long... shape) {
    requireNew(name);
    if (FloatTensor.numel(shape) != data.length) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': shape does not match " + data.length + " values");
    }
    entries.add(new Entry(name, DType.I64, shape.clone(), null, data));
    return this;
  }

  public SafeTensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  private void requireNew(String name) {
    for (Entry e : entries) {
      if (e.name.equals(name)) {
        throw new IllegalArgumentException("tensor '" + name + "' added twice");
      }
    }
  }

  /** Writes one file. */
  public void write(Path file) {
    writeFile(file, entries);
  }

  /**
   * Writes shards of at most {@code maxShardBytes} of tensor data each (a tensor larger than that
   * gets a shard of its own) named {@code prefix-0000i-of-0000n.safetensors}, and the index {@code
   * prefix.safetensors.index.json}, in {@code dir}. With one shard, writes {@code
   * prefix.safetensors} and no index, as transformers does.
   */
  public void writeSharded(Path dir, String prefix, long maxShardBytes) {
    List<List<Entry>> shards = new ArrayList<>();
    List<Entry> current = new ArrayList<>();
    long size = 0;
    for (Entry e : entries) {
      if (!current.isEmpty() && size + e.bytes() > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(e);
      size += e.bytes();
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (shards.size() <= 1) {
      writeFile(dir.resolve(prefix + ".safetensors"), shards.isEmpty() ? List.of() : shards.get(0));
      return;
    }
    Map<String, String> weightMap = new TreeMap<>();
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("%s-%05d-of-%05d.safetensors", prefix, i + 1, shards.size());
      writeFile(dir.resolve(name), shards.get(i));
      for (Entry e : shards.get(i)) {
        weightMap.put(e.name, name);
        total += e.bytes();
      }
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("metadata", Map.of("total_size", total));
    index.put("weight_map", weightMap);
    Gson gson = new GsonBuilder().setPrettyPrinting().create();
    AtomicFiles.writeString(dir.resolve(prefix + ".safetensors.index.json"), gson.toJson(index));
  }

  private void writeFile(Path file, List<Entry> list) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Entry e : list) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("dtype", e.dtype.name());
      t.put("shape", e.shape);
      t.put("data_offsets", new long[] {offset, offset + e.bytes()});
      header.put(e.name, t);
      offset += e.bytes();
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFiles.write(
        file,
        tmp -> {
          try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
              head.put((byte) ' ');
            }
            head.flip();
            writeAll(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : list) {
              writeData(ch, buf, e);
            }
            ch.force(true);
          }
        });
  }

  private static void writeData(FileChannel ch, ByteBuffer buf, Entry e) throws IOException {
    int n = e.floats != null ? e.floats.length : e.longs.length;
    for (int i = 0; i < n; i++) {
      if (buf.remaining() < 8) {
        buf.flip();
        writeAll(ch, buf);
        buf.clear();
      }
      switch (e.dtype) {
        case F32 -> buf.putFloat(e.floats[i]);
        case F16 -> buf.putShort(Half.fromFloat(e.floats[i]));
        case BF16 -> buf.putShort(Half.floatToBf16(e.floats[i]));
        case I64 -> buf.putLong(e.longs[i]);
        default -> throw new IllegalStateException(e.dtype.name());
      }
    }
    buf.flip();
    writeAll(ch, buf);
    buf.clear();
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
