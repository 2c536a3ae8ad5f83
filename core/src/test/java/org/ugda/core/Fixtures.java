package org.ugda.core;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
