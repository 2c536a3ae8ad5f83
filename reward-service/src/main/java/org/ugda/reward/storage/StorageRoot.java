package org.ugda.reward.storage;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.ugda.core.format.AtomicFiles;
import org.ugda.reward.config.RewardProperties;

/**
 * The storage root: where versions and datasets are written, atomically (a temporary directory
 * moved into place, with a SHA-256 manifest), and the only place (besides the configured model
 * roots) input paths may point into.
 */
@Component
public class StorageRoot {
  public static final String MANIFEST = "manifest.json";

  private final Path root;
  private final List<Path> modelRoots;

  public StorageRoot(RewardProperties props) {
    this.root = props.storageRoot().toAbsolutePath().normalize();
    this.modelRoots = props.modelRoots().stream().map(p -> p.toAbsolutePath().normalize()).toList();
    try {
      Files.createDirectories(root.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the storage root " + root + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * Resolves a user-supplied path: relative paths are taken under the storage root; the result must
   * lie inside the storage root or a model root ("../" escapes and symlinks out are refused).
   */
  public Path resolveInput(String path, String what) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character");
    }
    Path p;
    try {
      Path given = Path.of(path);
      p = (given.isAbsolute() ? given : root.resolve(given)).normalize();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " '" + path + "' is not a valid path");
    }
    if (!inside(p)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + path
              + "' lies outside the storage root "
              + root
              + " and ugda.reward.model-roots; copy it there or add its directory to ugda.reward.model-roots");
    }
    if (!Files.exists(p)) {
      throw new IllegalArgumentException(what + " '" + path + "' does not exist under " + root);
    }
    try {
      Path real = p.toRealPath();
      if (!inside(real) && !insideReal(real)) {
        throw new IllegalArgumentException(
            what + " '" + path + "' leads outside the allowed roots through a link");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          what + " '" + path + "' cannot be read: " + e.getMessage());
    }
    return p;
  }

  private boolean inside(Path p) {
    if (p.startsWith(root)) {
      return true;
    }
    return modelRoots.stream().anyMatch(p::startsWith);
  }

  private boolean insideReal(Path real) {
    try {
      if (real.startsWith(root.toRealPath())) {
        return true;
      }
      for (Path m : modelRoots) {
        if (Files.exists(m) && real.startsWith(m.toRealPath())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** A fresh temporary directory on the same file system as the root. */
  public Path newTempDir() {
    try {
      return Files.createTempDirectory(root.resolve("tmp"), "w-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path versionDir(UUID ensembleId, int number) {
    return root.resolve("reward")
        .resolve("ensembles")
        .resolve(ensembleId.toString())
        .resolve("v" + number);
  }

  public Path datasetFile(UUID id) {
    return root.resolve("reward").resolve("datasets").resolve(id + ".jsonl");
  }

  /**
   * Writes a manifest (SHA-256 of every file) into {@code tmp} and moves it to {@code target}
   * atomically; a target that already exists is an error (versions are immutable).
   */
  public void publish(Path tmp, Path target) {
    try {
      Map<String, String> sums = new LinkedHashMap<>();
      List<Path> files;
      try (Stream<Path> s = Files.walk(tmp)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        sums.put(tmp.relativize(f).toString(), sha256(f));
      }
      StringBuilder json = new StringBuilder("{\n");
      int i = 0;
      for (var e : sums.entrySet()) {
        json.append("  \"")
            .append(e.getKey())
            .append("\": \"")
            .append(e.getValue())
            .append('"')
            .append(++i < sums.size() ? ",\n" : "\n");
      }
      json.append("}\n");
      Files.writeString(tmp.resolve(MANIFEST), json.toString());
      try (Stream<Path> s = Files.walk(tmp)) {
        s.forEach(AtomicFiles::readableByAll);
      }
      Files.createDirectories(target.getParent());
      if (Files.exists(target)) {
        throw new IllegalStateException(target + " already exists; versions are immutable");
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + target + ": " + e.getMessage(), e);
    }
  }

  /** Checks every file of a published directory against its manifest. */
  public List<String> verify(Path dir) {
    List<String> problems = new ArrayList<>();
    try {
      String text = Files.readString(dir.resolve(MANIFEST));
      var json = JsonParser.parseString(text).getAsJsonObject();
      for (var e : json.entrySet()) {
        Path f = dir.resolve(e.getKey());
        if (!Files.isRegularFile(f)) {
          problems.add(e.getKey() + " is missing");
        } else if (!sha256(f).equals(e.getValue().getAsString())) {
          problems.add(e.getKey() + " does not match its checksum");
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add("manifest unreadable: " + e.getMessage());
    }
    return problems;
  }

  public static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException ignored) {
                  // best effort clean-up
                }
              });
    } catch (IOException ignored) {
      // nothing more to do
    }
  }
}
