package org.ugda.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file through a temporary sibling and an atomic rename: all of it or nothing. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the temporary file's content. */
  @FunctionalInterface
  public interface Body {
    void writeTo(Path tmp) throws IOException;
  }

  public static void write(Path target, Body body) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      Files.delete(tmp);
      body.writeTo(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the failure above is what matters
        }
      }
    }
  }

  public static void writeString(Path target, String content) {
    write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
  }
}
