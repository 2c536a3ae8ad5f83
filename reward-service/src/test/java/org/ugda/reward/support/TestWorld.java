package org.ugda.reward.support;

import java.io.IOException;
import java.nio.file.Path;
import org.ugda.benchmark.world.TinyWorld;

/**
 * The tiny benchmark world ({@link TinyWorld}) built once per test JVM under {@code target/}: the
 * base checkpoint the reward-service tests put ensembles on.
 */
public final class TestWorld {
  private TestWorld() {}

  private static Path root;

  /** The storage root all tests of the JVM share: world/ and sft/ live in it. */
  public static synchronized Path root() {
    if (root == null) {
      root = TinyWorld.build(Path.of("target", "test-world"));
    }
    return root;
  }

  /** Deletes a directory tree. */
  public static final class StorageClean {
    private StorageClean() {}

    public static void delete(Path p) throws IOException {
      TinyWorld.delete(p);
    }
  }
}
