package org.ugda.world.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.ugda.world.text.Dialogue;

/**
 * Preference pairs in the two layouts the platform reads:
 *
 * <ul>
 *   <li><b>Anthropic HH</b>: {@code {"chosen": "\n\nHuman: ...\n\nAssistant: ...", "rejected":
 *       "..."}}; both dialogues must share everything up to their last assistant turn. An optional
 *       {@code "subset"} is kept.
 *   <li><b>RewardBench</b>: {@code {"prompt": "...", "chosen": "...", "rejected": "...", "subset":
 *       "..."}} with bare responses; a prompt without HH markers is one human turn.
 * </ul>
 */
public final class PreferenceFiles {
  private PreferenceFiles() {}

  public static List<PreferencePair> readHh(Path file) {
    return Jsonl.read(
        file,
        line -> {
          String chosen = line.string("chosen");
          String rejected = line.string("rejected");
          Dialogue.Split c;
          Dialogue.Split r;
          try {
            c = Dialogue.split(chosen);
          } catch (IllegalArgumentException e) {
            throw line.error("chosen", e.getMessage());
          }
          try {
            r = Dialogue.split(rejected);
          } catch (IllegalArgumentException e) {
            throw line.error("rejected", e.getMessage());
          }
          if (!c.prompt().equals(r.prompt())) {
            throw line.error(
                "rejected",
                "chosen and rejected must share the dialogue up to the last \"\\n\\nAssistant:\"");
          }
          return new PreferencePair(
              c.prompt(), c.response(), r.response(), line.optString("subset", ""));
        });
  }

  public static void writeHh(Path file, List<PreferencePair> pairs) {
    write(
        file,
        pairs,
        (p, m) -> {
          m.put("chosen", Dialogue.join(p.prompt(), p.chosen()));
          m.put("rejected", Dialogue.join(p.prompt(), p.rejected()));
          if (!p.subset().isEmpty()) {
            m.put("subset", p.subset());
          }
        });
  }

  public static List<PreferencePair> readRewardBench(Path file) {
    return Jsonl.read(
        file,
        line -> {
          String prompt = line.string("prompt");
          if (prompt.isBlank()) {
            throw line.error("prompt", "must not be empty");
          }
          String hh = prompt.contains(Dialogue.HUMAN) ? prompt : Dialogue.prompt(prompt);
          if (!hh.strip().endsWith(Dialogue.ASSISTANT.strip())) {
            hh = hh + Dialogue.ASSISTANT;
          }
          return new PreferencePair(
              hh,
              line.string("chosen").strip(),
              line.string("rejected").strip(),
              line.optString("subset", ""));
        });
  }

  public static void writeRewardBench(Path file, List<PreferencePair> pairs) {
    write(
        file,
        pairs,
        (p, m) -> {
          String human = Dialogue.lastHumanTurn(p.prompt());
          boolean singleTurn = Dialogue.prompt(human).equals(p.prompt());
          m.put("prompt", singleTurn ? human : p.prompt());
          m.put("chosen", p.chosen());
          m.put("rejected", p.rejected());
          m.put("subset", p.subset());
        });
  }

  /** Writes one line a pair: the fields {@code fields} puts, in the order it puts them. */
  private static void write(
      Path file,
      List<PreferencePair> pairs,
      BiConsumer<PreferencePair, Map<String, String>> fields) {
    Jsonl.write(
        file,
        pairs.stream()
            .map(
                p -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  fields.accept(p, m);
                  return m;
                })
            .toList());
  }

  /** Reads either layout, telling them apart by the first line's fields. */
  public static List<PreferencePair> readAny(Path file) {
    List<Boolean> hasPrompt = Jsonl.read(file, line -> line.object().has("prompt"));
    return !hasPrompt.isEmpty() && hasPrompt.get(0) ? readRewardBench(file) : readHh(file);
  }
}
