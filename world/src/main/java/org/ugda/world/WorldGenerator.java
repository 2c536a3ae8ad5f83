package org.ugda.world;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.ugda.world.data.Jsonl;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.pairs.PairSampler;
import org.ugda.world.responses.Responder;
import org.ugda.world.tasks.Subtask;
import org.ugda.world.tasks.Task;
import org.ugda.world.tasks.TaskSampler;
import org.ugda.world.text.Dialogue;
import org.ugda.world.vocab.WordLevelTokenizer;

/**
 * Writes a world directory from a {@link WorldConfig}: demonstrations, preference pairs (train and
 * test), PPO prompts, held-out evaluation prompts, per-subtask validation sets, the tokenizer and a
 * manifest. Deterministic from the seed; each set draws from its own stream. Everything is written
 * into a temporary directory first and moved into place at the end, so a failure leaves no
 * half-written world.
 */
public final class WorldGenerator {
  private WorldGenerator() {}

  /** The mix of demonstration kinds: mostly ideal, with the mistakes a real SFT set has. */
  static final Map<Responder.Kind, Double> HELPFUL_DEMOS =
      Map.of(
          Responder.Kind.IDEAL,
          0.5,
          Responder.Kind.FILLER,
          0.15,
          Responder.Kind.WRONG,
          0.15,
          Responder.Kind.WRONG_FILLER,
          0.1,
          Responder.Kind.REPEAT,
          0.05,
          Responder.Kind.TRUNCATED,
          0.05);

  static final Map<Responder.Kind, Double> HARMLESS_DEMOS =
      Map.of(
          Responder.Kind.IDEAL,
          0.5,
          Responder.Kind.REFUSE_ONLY,
          0.2,
          Responder.Kind.COMPLY,
          0.15,
          Responder.Kind.FILLER,
          0.1,
          Responder.Kind.ALTERNATIVE_ONLY,
          0.05);

  public static Path generate(WorldConfig c, Path out, IntConsumer progress) {
    Path parent = out.toAbsolutePath().getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
    }
    try {
      writeAll(c, tmp, progress);
      Jsonl.readableByAll(tmp);
      if (Files.exists(out)) {
        if (!Files.isDirectory(out) || Files.list(out).findAny().isPresent()) {
          throw new IllegalArgumentException(
              out + " exists and is not empty; choose a new directory");
        }
        Files.delete(out);
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void writeAll(WorldConfig c, Path dir, IntConsumer progress) {
    int total =
        c.sftDemonstrations()
            + c.trainPairs()
            + c.testPairs()
            + c.ppoPrompts()
            + c.evalPrompts()
            + 2 * c.validationPerSubtask();
    int[] done = {0};
    Runnable tick = () -> progress.accept(100 * ++done[0] / total);

    SplittableRandom sftR = stream(c, "sft");
    TaskSampler sftTasks = new TaskSampler(stream(c, "sft-tasks"), c.harmlessShare());
    List<Map<String, Object>> sft = new ArrayList<>();
    for (int i = 0; i < c.sftDemonstrations(); i++) {
      Task t = sftTasks.next();
      Responder.Kind kind =
          pick(t.subtask() == Subtask.HELPFUL ? HELPFUL_DEMOS : HARMLESS_DEMOS, sftR);
      String response = Responder.write(t, kind, sftR);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("prompt", Dialogue.prompt(t.humanText()));
      row.put("response", response);
      row.put("subtask", t.subtask().id());
      row.put("kind", kind.name().toLowerCase());
      row.put("gold", round(GoldReward.score(t, response).total()));
      sft.add(row);
      tick.run();
    }
    Jsonl.write(dir.resolve(WorldFiles.SFT), sft);

    PreferenceFiles.writeHh(
        dir.resolve(WorldFiles.PAIRS_TRAIN),
        pairs(
            c.trainPairs(),
            new PairSampler(c.lengthBias(), c.flip(), 0.05),
            stream(c, "train-tasks"),
            c,
            tick));
    PreferenceFiles.writeHh(
        dir.resolve(WorldFiles.PAIRS_TEST),
        pairs(c.testPairs(), new PairSampler(0.5, 0.0, 0.05), stream(c, "test-tasks"), c, tick));

    TaskSampler ppo = new TaskSampler(stream(c, "ppo"), c.harmlessShare());
    List<Map<String, Object>> prompts = new ArrayList<>();
    for (int i = 0; i < c.ppoPrompts(); i++) {
      Task t = ppo.next();
      prompts.add(row("prompt", Dialogue.prompt(t.humanText()), "subtask", t.subtask().id()));
      tick.run();
    }
    Jsonl.write(dir.resolve(WorldFiles.PPO_PROMPTS), prompts);

    TaskSampler eval = new TaskSampler(stream(c, "eval"), c.harmlessShare());
    List<Map<String, Object>> evalRows = new ArrayList<>();
    for (int i = 0; i < c.evalPrompts(); i++) {
      Task t = eval.next();
      evalRows.add(
          row(
              "prompt",
              Dialogue.prompt(t.humanText()),
              "subtask",
              t.subtask().id(),
              "best",
              t.idealResponse()));
      tick.run();
    }
    Jsonl.write(dir.resolve(WorldFiles.EVAL_PROMPTS), evalRows);

    for (Subtask s : Subtask.values()) {
      TaskSampler v = new TaskSampler(stream(c, "validation-" + s.id()), c.harmlessShare());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < c.validationPerSubtask(); i++) {
        Task t = v.next(s);
        rows.add(
            row(
                "prompt",
                Dialogue.prompt(t.humanText()),
                "response",
                t.idealResponse(),
                "subtask",
                s.id()));
        tick.run();
      }
      Jsonl.write(dir.resolve(WorldFiles.validation(s.id())), rows);
    }

    WordLevelTokenizer.write(dir.resolve(WorldFiles.TOKENIZER), Vocabulary.ids());
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", "ugda-world/1");
    manifest.put("config", c);
    manifest.put("vocab_size", Vocabulary.ids().size());
    manifest.put("files", WorldFiles.DATA);
    try {
      Files.writeString(
          dir.resolve(WorldFiles.MANIFEST),
          new GsonBuilder().setPrettyPrinting().create().toJson(manifest));
      Jsonl.readableByAll(dir.resolve(WorldFiles.MANIFEST));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<PreferencePair> pairs(
      int n, PairSampler sampler, SplittableRandom r, WorldConfig c, Runnable tick) {
    TaskSampler tasks = new TaskSampler(r.split(), c.harmlessShare());
    List<PreferencePair> out = new ArrayList<>();
    while (out.size() < n) {
      PreferencePair p = sampler.sample(tasks.next(), r);
      if (p != null) {
        out.add(p);
        tick.run();
      }
    }
    return out;
  }

  /** A JSON row with its fields in the given order (Map.of's order changes between JVMs). */
  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static <K> K pick(Map<K, Double> weights, SplittableRandom r) {
    double u = r.nextDouble() * weights.values().stream().mapToDouble(Double::doubleValue).sum();
    K last = null;
    for (var e : new TreeMap<>(weights).entrySet()) {
      last = e.getKey();
      u -= e.getValue();
      if (u < 0) {
        return e.getKey();
      }
    }
    return last;
  }

  static SplittableRandom stream(WorldConfig c, String purpose) {
    long h = c.seed() * 0x9E3779B97F4A7C15L;
    for (char ch : purpose.toCharArray()) {
      h = (h ^ ch) * 0x100000001B3L;
    }
    return new SplittableRandom(h);
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException ignored) {
                  // best effort clean-up of a temporary directory
                }
              });
    } catch (IOException ignored) {
      // nothing more to do
    }
  }
}
