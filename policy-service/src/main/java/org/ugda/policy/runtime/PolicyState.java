package org.ugda.policy.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.ppo.ValueHead;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;

/**
 * A policy's trainable state on disk, as a checkpoint and as a run's resume point: {@code adapter/}
 * (PEFT layout), {@code value_head.safetensors} (TRL's names), {@code optimizer.safetensors}
 * (Adam's raw moments {@code exp_avg.<param>}, {@code exp_avg_sq.<param>}, the step count in its
 * metadata) and {@code trainer_state.json}. Written into a fresh directory that is renamed into
 * place, so a reader sees a whole state or none.
 */
public final class PolicyState {
  public static final String ADAPTER = "adapter";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String TRAINER = "trainer_state.json";

  /** What a resumed run needs besides the weights. */
  public record Trainer(int finishedSteps, long adamStep, double klCoefficient, double meanLr) {}

  private PolicyState() {}

  /** Writes the state to {@code target} (replacing what is there) through a sibling temp dir. */
  public static void write(
      Path target,
      LoraAdapter adapter,
      ValueHead head,
      Adam adam,
      Trainer trainer,
      String baseModel) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      PeftAdapters.write(tmp.resolve(ADAPTER), adapter, baseModel, Map.of("producer", "ugda ppo"));
      head.write(tmp);
      Adam.State st = adam.state();
      SafeTensorsWriter w = new SafeTensorsWriter();
      w.metadata("step", Long.toString(st.step()));
      st.expAvg().forEach((n, t) -> w.add("exp_avg." + n, t));
      st.expAvgSq().forEach((n, t) -> w.add("exp_avg_sq." + n, t));
      w.write(tmp.resolve(OPTIMIZER));
      AtomicFiles.writeString(
          tmp.resolve(TRAINER),
          RunJson.write(
              Map.of(
                  "finishedSteps", trainer.finishedSteps(),
                  "adamStep", trainer.adamStep(),
                  "klCoefficient", trainer.klCoefficient(),
                  "meanLearningRate", trainer.meanLr())));
      Path old = null;
      if (Files.exists(target)) {
        old = target.resolveSibling(target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      if (old != null) {
        delete(old);
      }
    } catch (IOException e) {
      delete(tmp);
      throw new UncheckedIOException("cannot write the policy state: " + e.getMessage(), e);
    }
  }

  /**
   * The state directory to read: {@code dir} itself, or, after a crash between the two renames of
   * {@link #write}, the complete sibling it was about to replace.
   */
  public static Path find(Path dir) {
    if (Files.isRegularFile(dir.resolve(TRAINER))) {
      return dir;
    }
    Path parent = dir.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return null;
    }
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(dir.getFileName() + ".old-"))
          .filter(p -> Files.isRegularFile(p.resolve(TRAINER)))
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Trainer trainer(Path dir) {
    Map<String, Object> m = RunJson.read(dir.resolve(TRAINER));
    return new Trainer(
        ((Number) m.get("finishedSteps")).intValue(),
        ((Number) m.get("adamStep")).longValue(),
        ((Number) m.get("klCoefficient")).doubleValue(),
        ((Number) m.get("meanLearningRate")).doubleValue());
  }

  /** Loads the adapter under {@code name} onto the model. */
  public static LoraAdapter loadAdapter(Transformer model, Path dir, String name) {
    Path a = dir.resolve(ADAPTER);
    PeftAdapters.Loaded l = PeftAdapters.read(a, model.config());
    return model.addAdapter(name, l.config(), l.tensors(), a.getFileName().toString());
  }

  /** The stored Adam state (moments by parameter name, step count). */
  public static Adam.State optimizer(Path dir) {
    Path f = dir.resolve(OPTIMIZER);
    try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
      String step = st.metadata().get("step");
      if (step == null) {
        throw new CheckpointException(OPTIMIZER + " has no step count in its metadata");
      }
      Map<String, FloatTensor> m = new LinkedHashMap<>();
      Map<String, FloatTensor> v = new LinkedHashMap<>();
      for (String n : st.names()) {
        FloatTensor t = new FloatTensor(st.info(n).shape(), st.readFloats(n));
        if (n.startsWith("exp_avg_sq.")) {
          v.put(n.substring("exp_avg_sq.".length()), t);
        } else if (n.startsWith("exp_avg.")) {
          m.put(n.substring("exp_avg.".length()), t);
        }
      }
      return new Adam.State(Long.parseLong(step), m, v);
    }
  }

  /** The moments of the adapter's parameters only (what gradient features need). */
  public static Map<String, FloatTensor> only(Map<String, FloatTensor> all, LoraAdapter ad) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (NamedArray p : ad.parameters()) {
      FloatTensor t = all.get(p.name());
      if (t == null) {
        throw new CheckpointException("optimizer state lacks " + p.name());
      }
      out.put(p.name(), t);
    }
    return out;
  }

  static void delete(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              x -> {
                try {
                  Files.deleteIfExists(x);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
