package org.ugda.world.data;

import java.nio.file.Path;
import java.util.List;
import org.ugda.world.tasks.Subtask;

/** Readers for the world's non-pair files. */
public final class WorldData {
  private WorldData() {}

  /** A prompt and a response (SFT demonstrations, validation sets). */
  public record Demonstration(String prompt, String response, String subtask) {}

  /** A prompt to roll out or evaluate on; {@code best} is its ideal response where known. */
  public record PromptItem(String prompt, String subtask, String best) {}

  public static List<Demonstration> demonstrations(Path file) {
    return Jsonl.read(
        file, l -> new Demonstration(l.string("prompt"), l.string("response"), subtask(l)));
  }

  public static List<PromptItem> prompts(Path file) {
    return Jsonl.read(
        file, l -> new PromptItem(l.string("prompt"), subtask(l), l.optString("best", null)));
  }

  private static String subtask(Jsonl.Line l) {
    String s = l.optString("subtask", "");
    if (!s.isEmpty()) {
      try {
        Subtask.of(s);
      } catch (IllegalArgumentException e) {
        throw l.error("subtask", e.getMessage());
      }
    }
    return s;
  }
}
