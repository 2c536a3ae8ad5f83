package org.ugda.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ugda.core.tensor.FloatTensor;

/**
 * Finds {@code shared/fixtures}: -Dugda.fixtures, $UGDA_FIXTURES, or a parent's shared/ sibling.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    String p = System.getProperty("ugda.fixtures", System.getenv("UGDA_FIXTURES"));
    if (p != null) {
      return Path.of(p);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared/fixtures");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "shared/fixtures not found above "
            + Path.of("").toAbsolutePath()
            + "; set -Dugda.fixtures=DIR");
  }

  public static Path arch(String name) {
    return root().resolve(name);
  }

  /**
   * Puts a q/k/v projection bias, every element {@code value}, into each of the first {@code
   * layers} layers of a Llama checkpoint's tensors (what makes one a Qwen2 checkpoint).
   */
  public static void putQkvBias(Map<String, FloatTensor> tensors, int layers, float value) {
    for (int l = 0; l < layers; l++) {
      for (String p : List.of("q_proj", "k_proj", "v_proj")) {
        String prefix = "model.layers." + l + ".self_attn." + p;
        long out = tensors.get(prefix + ".weight").dim(0);
        float[] b = new float[(int) out];
        Arrays.fill(b, value);
        tensors.put(prefix + ".bias", new FloatTensor(new long[] {out}, b));
      }
    }
  }
}
