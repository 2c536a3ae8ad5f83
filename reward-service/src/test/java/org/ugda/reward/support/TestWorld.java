package org.ugda.reward.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldGenerator;

/**
 * A tiny benchmark world and its SFT model, built once per test JVM under {@code target/}: the base
 * checkpoint the reward-service tests put ensembles on.
 */
public final class TestWorld {
  private TestWorld() {}

  private static Path root;

  /** The storage root all tests of the JVM share: world/ and sft/ live in it. */
  public static synchronized Path root() {
    if (root == null) {
      try {
        Path r = Files.createDirectories(Path.of("target", "test-world").toAbsolutePath());
        Path world = r.resolve("world");
        Path sft = r.resolve("sft");
        if (!Files.isRegularFile(sft.resolve("model.safetensors"))) {
          StorageClean.delete(world);
          StorageClean.delete(sft);
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
        root = r;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  /** Deletes a directory tree. */
  public static final class StorageClean {
    private StorageClean() {}

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
}
