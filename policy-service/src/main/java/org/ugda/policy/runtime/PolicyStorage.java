package org.ugda.policy.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.ugda.policy.config.PolicyProperties;
import org.ugda.support.problem.NotFoundException;

/**
 * The storage root as policy-service uses it: base models named relative to it (never escaping it),
 * and per run {@code runs/<id>/latest/} (the state after the last finished step, for resume) and
 * {@code runs/<id>/checkpoints/epoch-N/}. Messages name paths relative to the root only.
 */
@Component
public class PolicyStorage {
  private final Path root;

  public PolicyStorage(PolicyProperties props) {
    this.root = props.storageRoot().toAbsolutePath().normalize();
    try {
      Files.createDirectories(root.resolve("runs"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the storage root " + root, e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * A base model directory named relative to the storage root; 400 if it escapes, 404 if absent.
   */
  public Path baseModel(String name) {
    Path p = root.resolve(name).normalize();
    if (!p.startsWith(root) || Path.of(name).isAbsolute()) {
      throw new IllegalArgumentException(
          "baseModel must name a directory under the storage root, got '" + name + "'");
    }
    if (!Files.isRegularFile(p.resolve("config.json"))) {
      throw new NotFoundException(
          "no model at '"
              + name
              + "' under the storage root (a Hugging Face checkpoint directory with config.json);"
              + " train one with ./ugda world train-sft --out <storage-root>/"
              + name);
    }
    return p;
  }

  public Path run(UUID runId) {
    return root.resolve("runs").resolve(runId.toString());
  }

  public Path latest(UUID runId) {
    return run(runId).resolve("latest");
  }

  public Path checkpoint(UUID runId, int epoch) {
    return run(runId).resolve("checkpoints").resolve("epoch-" + epoch);
  }

  /** A path as an API response shows it: relative to the storage root. */
  public String shown(Path p) {
    return root.relativize(p.toAbsolutePath().normalize()).toString();
  }

  /** Removes the absolute storage root from a message (errors are read over HTTP). */
  public String hide(String message) {
    return message == null
        ? null
        : message.replace(root.toString() + "/", "").replace(root.toString(), "<storage-root>");
  }
}
