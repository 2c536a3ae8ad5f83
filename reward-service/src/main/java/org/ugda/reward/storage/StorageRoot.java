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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.ugda.core.format.AtomicFiles;
import org.ugda.reward.config.RewardProperties;
import org.ugda.support.database.DatabaseProperties;

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
  private final String rootInCommands;

  /**
   * Also refuses to start (a clear message in the log) when the embedded PostgreSQL keeps its data
   * ({@code ugda.database.embedded-data-directory}) inside the storage root or a model root:
   * requests name files there, so the database's files would be readable as datasets.
   */
  public StorageRoot(RewardProperties props, ObjectProvider<DatabaseProperties> database) {
    this.root = props.storageRoot().toAbsolutePath().normalize();
    this.modelRoots = props.modelRoots().stream().map(p -> p.toAbsolutePath().normalize()).toList();
    Path configured = props.storageRoot().normalize();
    this.rootInCommands =
        configured.isAbsolute() || configured.toString().isEmpty()
            ? "<storage-root>"
            : configured.toString();
    DatabaseProperties db = database.getIfAvailable();
    if (db != null && db.embeddedDataDirectory() != null) {
      requireOutsideRoots(db.embeddedDataDirectory());
    }
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

  private void requireOutsideRoots(Path dataDirectory) {
    Path data = dataDirectory.toAbsolutePath().normalize();
    List<String> keys = new ArrayList<>();
    if (within(data, root)) {
      keys.add("ugda.reward.storage-root (" + root + ")");
    }
    for (Path m : modelRoots) {
      if (within(data, m)) {
        keys.add("ugda.reward.model-roots entry " + m);
      }
    }
    if (!keys.isEmpty()) {
      throw new IllegalStateException(
          "ugda.database.embedded-data-directory ("
              + data
              + ") lies inside "
              + String.join(" and ", keys)
              + ", where requests name files (datasets, checkpoints, adapters): the database's"
              + " files would be theirs to read. Keep it outside every one of them, e.g. beside"
              + " the storage root (the standalone's default is ./ugda-postgres next to"
              + " ./ugda-storage; its ugda.standalone.data-dir sets it)");
    }
  }

  /** Whether {@code p} is {@code dir} or lies below it, as written or through links. */
  private static boolean within(Path p, Path dir) {
    if (p.startsWith(dir)) {
      return true;
    }
    try {
      Path realDir = dir.toRealPath();
      Path existing = p;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return existing != null
          && existing.toRealPath().resolve(existing.relativize(p)).normalize().startsWith(realDir);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The storage root as a command a person runs beside the service should name it: the configured
   * path where that is relative (the service's working directory is the user's, as with {@code
   * ./ugda serve}), else the placeholder {@code <storage-root>}: a response never shows an absolute
   * server path.
   */
  public String rootInCommands() {
    return rootInCommands;
  }

  /**
   * Resolves a user-supplied path: relative paths are taken under the storage root; the result must
   * lie inside the storage root or a model root ("../" escapes and symlinks out are refused).
   * Messages name the path as the caller gave it, never the server's absolute directories.
   */
  public Path resolveInput(String path, String what) {
    return resolveInput(path, what, "");
  }

  /**
   * As {@link #resolveInput(String, String)}; {@code hint} (a sentence, or empty) is added to the
   * message when the path lies outside the allowed roots or does not exist.
   */
  public Path resolveInput(String path, String what, String hint) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
    String given = shown(path);
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character");
    }
    Path p = normalised(path);
    if (p == null) {
      throw new IllegalArgumentException(what + " '" + given + "' is not a valid path");
    }
    String tip = hint.isEmpty() ? "" : " " + hint;
    if (!inside(p)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + given
              + "' lies outside the storage root (ugda.reward.storage-root) and every"
              + " ugda.reward.model-roots directory: give a path relative to the storage root"
              + " and put the file or directory there, or add the absolute directory that holds it"
              + " to ugda.reward.model-roots."
              + tip);
    }
    if (!Files.exists(p)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + given
              + "' does not exist "
              + (p.startsWith(root)
                  ? "under the storage root (ugda.reward.storage-root; paths are relative to it)."
                  : "in its model root.")
              + tip);
    }
    try {
      Path real = p.toRealPath();
      if (!inside(real) && !insideReal(real)) {
        throw new IllegalArgumentException(
            what + " '" + given + "' leads outside the allowed roots through a link");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " '" + given + "' cannot be read");
    }
    return p;
  }

  /** Where a path the caller gave would lie (not checked against the roots), or null if invalid. */
  private Path normalised(String path) {
    try {
      Path given = Path.of(path);
      return (given.isAbsolute() ? given : root.resolve(given)).normalize();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether {@code path}, given as a request would give it, names an existing directory inside the
   * allowed roots that holds {@code file}.
   */
  public boolean holds(String path, String file) {
    if (path.indexOf('\0') >= 0) {
      return false;
    }
    Path p = normalised(path);
    return p != null && inside(p) && Files.isRegularFile(p.resolve(file));
  }

  /**
   * A path as a response may name it: relative to the storage root where it lies there (the way
   * requests name it), else as it is, which for a model root is how a caller gave it.
   */
  public String shownPath(Path p) {
    Path n = p.toAbsolutePath().normalize();
    if (n.equals(root)) {
      return "<storage-root>";
    }
    return n.startsWith(root) ? root.relativize(n).toString() : n.toString();
  }

  /**
   * A message from code that names files by their absolute path (core's readers, the JSONL reader),
   * as a response may carry it: the storage root's absolute path (also as the file system resolves
   * it, through links) is cut from every path, which leaves the path relative to the storage root,
   * the way requests name it.
   */
  public String hide(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (Path r : rootSpellings()) {
      String prefix = r.toString().endsWith("/") ? r.toString() : r + "/";
      out = out.replace(prefix, "").replace(r.toString(), "<storage-root>");
    }
    return out;
  }

  /**
   * Runs {@code work}, whose IllegalArgumentException (a 400) may name files by their absolute
   * path, and rethrows that with the storage root hidden ({@link #hide}).
   */
  public <T> T hidingPaths(Supplier<T> work) {
    try {
      return work.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(hide(e.getMessage()), e);
    }
  }

  private List<Path> rootSpellings() {
    List<Path> spellings = new ArrayList<>(List.of(root));
    try {
      Path real = root.toRealPath();
      if (!real.equals(root)) {
        spellings.add(real);
      }
    } catch (IOException e) {
      // the configured spelling is all there is
    }
    return spellings;
  }

  /** A caller's text as a message may quote it: at most 200 characters, and says what was cut. */
  public static String shown(String text) {
    return text.length() <= 200
        ? text
        : text.substring(0, 200) + "... (" + text.length() + " characters)";
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
      problems.add(MANIFEST + " is missing or unreadable");
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
