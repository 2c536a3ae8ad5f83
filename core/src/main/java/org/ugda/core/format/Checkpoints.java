package org.ugda.core.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens the weights of a Hugging Face checkpoint directory: {@code model.safetensors}, or the
 * shards listed in {@code model.safetensors.index.json}.
 */
public final class Checkpoints {
  private Checkpoints() {}

  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  public static TensorSource open(Path dir) {
    if (Files.isRegularFile(dir)) {
      return SafeTensorsFile.open(dir);
    }
    Path index = dir.resolve(INDEX);
    if (Files.isRegularFile(index)) {
      return Sharded.open(index);
    }
    Path single = dir.resolve(SINGLE);
    if (Files.isRegularFile(single)) {
      return SafeTensorsFile.open(single);
    }
    throw new CheckpointException(
        dir
            + ": no weights found; expected "
            + SINGLE
            + " or "
            + INDEX
            + " (PyTorch .bin files are not read)");
  }

  /** The shards of a sharded checkpoint, each opened lazily on first use. */
  static final class Sharded implements TensorSource {
    private final Path index;
    private final Map<String, String> weightMap;
    private final Map<String, SafeTensorsFile> open = new LinkedHashMap<>();

    private Sharded(Path index, Map<String, String> weightMap) {
      this.index = index;
      this.weightMap = weightMap;
    }

    static Sharded open(Path index) {
      Map<String, String> map = new LinkedHashMap<>();
      try {
        JsonObject root = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        JsonObject wm = root.getAsJsonObject("weight_map");
        if (wm == null) {
          throw new CheckpointException(index + ": no \"weight_map\" object");
        }
        for (Map.Entry<String, JsonElement> e : wm.entrySet()) {
          String shard = e.getValue().getAsString();
          if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
            throw new CheckpointException(
                index
                    + ": tensor '"
                    + e.getKey()
                    + "' points at '"
                    + shard
                    + "', outside the checkpoint directory");
          }
          map.put(e.getKey(), shard);
        }
      } catch (IOException e) {
        throw new CheckpointException(index + ": cannot read: " + e.getMessage(), e);
      } catch (CheckpointException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CheckpointException(index + ": malformed index: " + e.getMessage(), e);
      }
      return new Sharded(index, Collections.unmodifiableMap(map));
    }

    private synchronized SafeTensorsFile shard(String name) {
      String file = weightMap.get(name);
      if (file == null) {
        throw new CheckpointException(
            index + ": missing tensor '" + name + "' (not in weight_map)");
      }
      SafeTensorsFile f =
          open.computeIfAbsent(file, s -> SafeTensorsFile.open(index.resolveSibling(s)));
      if (!f.contains(name)) {
        throw new CheckpointException(
            f.path()
                + ": missing tensor '"
                + name
                + "', which "
                + index.getFileName()
                + " places there");
      }
      return f;
    }

    @Override
    public Set<String> names() {
      return weightMap.keySet();
    }

    @Override
    public boolean contains(String name) {
      return weightMap.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
      return shard(name).info(name);
    }

    @Override
    public Path fileOf(String name) {
      String file = weightMap.get(name);
      return file == null ? index : index.resolveSibling(file);
    }

    @Override
    public ByteBuffer readFloat32(String name) {
      return shard(name).readFloat32(name);
    }

    @Override
    public float[] readFloats(String name) {
      return shard(name).readFloats(name);
    }

    @Override
    public long[] readLongs(String name) {
      return shard(name).readLongs(name);
    }

    @Override
    public synchronized void close() {
      open.values().forEach(SafeTensorsFile::close);
      open.clear();
    }
  }
}
