package org.ugda.benchmark.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldGenerator;

/**
 * The smallest useful benchmark world and its SFT model, for tests and quick demonstrations: {@code
 * world/} (data) and {@code sft/} (an HF checkpoint with tokenizer.json) under a directory, built
 * once (a complete {@code sft/} is reused) in well under a minute on two cores.
 */
public final class TinyWorld {
  private TinyWorld() {}

  /** Builds (or reuses) the tiny world under {@code dir}; returns {@code dir}. */
  public static Path build(Path dir) {
    try {
      Path r = Files.createDirectories(dir.toAbsolutePath());
      Path world = r.resolve("world");
      Path sft = r.resolve("sft");
      if (!Files.isRegularFile(sft.resolve("model.safetensors"))) {
        delete(world);
        delete(sft);
        WorldGenerator.generate(
            new WorldConfig(11, 800, 600, 200, 64, 16, 64, 0.3, 0.8, 0.0), world, p -> {});
        SftRecipe.run(
            world,
            sft,
            SftRecipe.Config.tiny(11),
            new SftRecipe.Listener() {
              @Override
              public void phase(String name, int steps) {}

              @Override
              public void step(int step, int total, double loss) {}
            });
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree (nothing if it is absent). */
  public static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
