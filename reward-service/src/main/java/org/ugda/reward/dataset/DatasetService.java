package org.ugda.reward.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.ugda.api.reward.Dataset;
import org.ugda.api.reward.DatasetRef;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.storage.StorageRoot;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;
import org.ugda.world.data.JsonlException;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.text.Dialogue;

/**
 * Preference datasets: uploaded JSONL files (Anthropic HH or RewardBench layout, validated line by
 * line before anything is stored), files under the storage root, or pairs sent inline.
 */
@Service
public class DatasetService {
  private final DatasetRepository repo;
  private final StorageRoot storage;
  private final RewardLimits limits;

  DatasetService(DatasetRepository repo, StorageRoot storage, RewardLimits limits) {
    this.repo = repo;
    this.storage = storage;
    this.limits = limits;
  }

  /** The longest dataset name kept; a longer one is refused. */
  static final int MAX_NAME_CHARS = 200;

  /**
   * Stores an upload after parsing all of it; a malformed line stores nothing. {@code name} is the
   * dataset's name (or the uploaded file's), which messages about its lines use.
   */
  public Dataset upload(String name, InputStream body) {
    if (name != null && name.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException(
          "name has "
              + name.length()
              + " characters; a dataset name has at most "
              + MAX_NAME_CHARS);
    }
    String shown = name == null || name.isBlank() ? "the upload" : name;
    UUID id = UUID.randomUUID();
    Path tmp = storage.newTempDir().resolve("upload.jsonl");
    try {
      Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
      requireSize("the upload", tmp);
      List<PreferencePair> pairs = read(tmp, shown, true);
      if (pairs.isEmpty()) {
        throw new IllegalArgumentException("the upload holds no preference pair");
      }
      RewardLimits.atMost(
          "the number of pairs in the upload",
          pairs.size(),
          limits.maxDatasetPairs(),
          "max-dataset-pairs");
      String format = isRewardBench(tmp) ? "rewardbench" : "hh";
      Path target = storage.datasetFile(id);
      Files.createDirectories(target.getParent());
      String sha = StorageRoot.sha256(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      DatasetEntity e =
          new DatasetEntity(
              id,
              name == null || name.isBlank() ? id.toString() : name,
              format,
              pairs.size(),
              sha,
              storage.root().relativize(target).toString(),
              Instant.now());
      try {
        repo.save(e);
      } catch (RuntimeException ex) {
        Files.deleteIfExists(target);
        throw ex;
      }
      return view(e);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } finally {
      StorageRoot.deleteQuietly(tmp.getParent());
    }
  }

  private static boolean isRewardBench(Path f) throws IOException {
    try (var lines = Files.lines(f)) {
      return lines
          .filter(l -> !l.isBlank())
          .findFirst()
          .map(l -> l.contains("\"prompt\""))
          .orElse(false);
    }
  }

  public Dataset get(UUID id) {
    return view(repo.findById(id).orElseThrow(() -> new NotFoundException("no dataset " + id)));
  }

  static Dataset view(DatasetEntity e) {
    return new Dataset(e.id(), e.name(), e.format(), e.pairs(), e.sha256(), e.createdAt());
  }

  /**
   * The pairs a reference names (it holds exactly one of id, path and pairs, each pair complete),
   * at most {@code maxPairs}, the limit {@code ugda.reward.limits.<key>}: a 400 that names it
   * beyond.
   */
  public List<PreferencePair> pairs(DatasetRef ref, int maxPairs, String key) {
    List<PreferencePair> out;
    if (ref.pairs() != null) {
      if (ref.pairs().size() > limits.maxInlinePairs()) {
        throw new TooLargeException(
            "at most "
                + limits.maxInlinePairs()
                + " pairs inline "
                + "(ugda.reward.limits.max-inline-pairs); upload larger datasets to /v1/datasets");
      }
      out = new ArrayList<>();
      for (var p : ref.pairs()) {
        String prompt =
            p.prompt().contains(Dialogue.HUMAN) ? p.prompt() : Dialogue.prompt(p.prompt());
        out.add(new PreferencePair(prompt, p.chosen(), p.rejected(), p.subset()));
      }
    } else if (ref.id() != null) {
      DatasetEntity e =
          repo.findById(ref.id())
              .orElseThrow(() -> new NotFoundException("no dataset " + ref.id()));
      // an upload, but maybe another caller's: quoted no more than a path's file
      out = read(storage.root().resolve(e.path()), "dataset " + e.id(), false);
    } else {
      Path p = storage.resolveInput(ref.path(), "dataset.path");
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(
            "dataset.path '" + StorageRoot.shown(ref.path()) + "' is not a file");
      }
      requireSize("dataset.path '" + StorageRoot.shown(ref.path()) + "'", p);
      out = read(p, StorageRoot.shown(ref.path()), false);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the dataset holds no preference pair");
    }
    RewardLimits.atMost("the number of pairs in the dataset", out.size(), maxPairs, key);
    return out;
  }

  /**
   * Every pair of a JSONL file in either layout. A malformed line is a 400 that names the file as
   * {@code shown} (the caller's path or name, never the server's absolute path), the line and what
   * is wrong. Only the caller's own upload ({@code ownBytes}) may be quoted, as the reader quotes
   * it (at most 60 characters); a file that was already under the storage root may be anything
   * (another service's configuration, a secret), so its messages say what was wrong but never what
   * the line holds.
   */
  private static List<PreferencePair> read(Path file, String shown, boolean ownBytes) {
    try {
      return PreferenceFiles.readAny(file);
    } catch (JsonlException e) {
      String reason = ownBytes ? StorageRoot.shown(reason(e)) : withoutContent(reason(e));
      throw new IllegalArgumentException(
          shown
              + (e.line() > 0 ? ":" + e.line() : "")
              + (e.field() == null ? "" : ": field \"" + e.field() + "\"")
              + ": "
              + reason
              + (ownBytes ? "" : NOT_QUOTED),
          e);
    }
  }

  private static final String NOT_QUOTED =
      " (the line is not quoted; a dataset is a JSONL file of preference pairs in HH or"
          + " RewardBench layout)";

  /** The reader's reasons that never hold the line's content, word for word. */
  private static final List<String> FIXED_REASONS =
      List.of(
          "missing",
          "must not be empty",
          "not valid UTF-8",
          "no \"\\n\\nAssistant:\" turn in the dialogue",
          "chosen and rejected must share the dialogue up to the last \"\\n\\nAssistant:\"");

  /** The reader's reasons that go on to quote the line ("..., got {...}"): only their start. */
  private static final List<String> QUOTING_REASONS =
      List.of(
          "must be a string",
          "must be an integer",
          "each line must be a JSON object",
          "malformed JSON");

  /**
   * What was wrong with a line, without anything the line holds: a reason known to be free of
   * content as it is, a quoting one cut before its quote, and anything else in general words.
   */
  static String withoutContent(String reason) {
    if (FIXED_REASONS.contains(reason) || reason.matches("line longer than \\d+ characters")) {
      return reason;
    }
    for (String start : QUOTING_REASONS) {
      if (reason.startsWith(start)) {
        return start;
      }
    }
    return "not a preference pair";
  }

  /** What the reader found wrong, without its own prefix (which names the absolute file). */
  private static String reason(JsonlException e) {
    String prefix =
        e.file()
            + ":"
            + e.line()
            + (e.field() == null ? "" : ": field \"" + e.field() + "\"")
            + ": ";
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : "malformed line";
  }

  /** A dataset file within {@code max-dataset-size}, checked before it is read. */
  private void requireSize(String what, Path file) {
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bytes > limits.maxDatasetSize().toBytes()) {
      throw new IllegalArgumentException(
          what
              + " has "
              + bytes
              + " bytes; this service reads datasets of at most "
              + limits.maxDatasetSize().toBytes()
              + " bytes ("
              + RewardLimits.PREFIX
              + "max-dataset-size)");
    }
  }
}
