package org.ugda.benchmark.sft;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.Transformer;
import org.ugda.core.train.Adam;
import org.ugda.core.train.SupervisedTrainer;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.data.WorldData;

/**
 * Trains the world's SFT policy from scratch with {@code core}'s primitives: (1) language modelling
 * on the world's corpus (every demonstration and both sides of every training pair), then (2)
 * supervised fine-tuning on the demonstrations' response tokens. Writes a Hugging Face checkpoint
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code
 * generation_config.json}) with {@code training.json} recording how it was made.
 */
public final class SftRecipe {
  private SftRecipe() {}

  /**
   * @param preset model size ({@link WorldModels#PRESETS})
   * @param seed initialisation and data order
   * @param pretrain the language-modelling phase
   * @param sft the fine-tuning phase
   * @param maxLength tokens per sequence at most
   */
  public record Config(
      String preset, long seed, TrainConfig pretrain, TrainConfig sft, int maxLength) {

    /** The default small preset (a few minutes on 2 cores). */
    public static Config small(long seed) {
      return new Config(
          "small",
          seed,
          new TrainConfig(1, 32, 1, 3e-3, 3e-4, 0.05, 0.01, 1.0, Adam.Hyper.paper(), seed),
          new TrainConfig(2, 32, 1, 1e-3, 1e-4, 0.05, 0.01, 1.0, Adam.Hyper.paper(), seed + 1),
          96);
    }

    /** A tiny preset for tests. */
    public static Config tiny(long seed) {
      return new Config(
          "tiny",
          seed,
          new TrainConfig(1, 16, 1, 5e-3, 5e-4, 0.05, 0.01, 1.0, Adam.Hyper.paper(), seed),
          new TrainConfig(1, 16, 1, 2e-3, 2e-4, 0.05, 0.01, 1.0, Adam.Hyper.paper(), seed + 1),
          64);
    }
  }

  /** Progress of both phases. */
  public interface Listener {
    void phase(String name, int steps);

    void step(int step, int total, double loss);
  }

  /** What the run did. */
  /**
   * What the run did, with the SFT objective (mean response-token loss on up to 256 demonstrations)
   * measured before and after the SFT phase.
   */
  public record Result(
      Path checkpoint,
      TrainingLoop.Result pretrain,
      TrainingLoop.Result sft,
      double sftLossBefore,
      double sftLossAfter,
      double seconds) {}

  public static Result run(Path world, Path out, Config c, Listener listener) {
    long t0 = System.nanoTime();
    DjlRuntime.engine();
    requireWorld(world);
    try (HfTokenizer tok = HfTokenizer.load(world.resolve(WorldFiles.TOKENIZER))) {
      WorldCodec codec = new WorldCodec(tok, c.maxLength());
      List<WorldData.Demonstration> demos = WorldData.demonstrations(world.resolve(WorldFiles.SFT));
      List<PreferencePair> pairs = PreferenceFiles.readHh(world.resolve(WorldFiles.PAIRS_TRAIN));
      List<SupervisedTrainer.Example> corpus = new ArrayList<>();
      List<SupervisedTrainer.Example> sft = new ArrayList<>();
      for (WorldData.Demonstration d : demos) {
        WorldCodec.Encoded e = codec.dialogue(d.prompt(), d.response());
        corpus.add(new SupervisedTrainer.Example(e.ids(), 0));
        sft.add(new SupervisedTrainer.Example(e.ids(), e.promptLength()));
      }
      for (PreferencePair p : pairs) {
        corpus.add(new SupervisedTrainer.Example(codec.dialogue(p.prompt(), p.chosen()).ids(), 0));
        corpus.add(
            new SupervisedTrainer.Example(codec.dialogue(p.prompt(), p.rejected()).ids(), 0));
      }
      int vocab = Math.toIntExact(vocabSize(world));
      ModelConfig mc = WorldModels.config(c.preset(), vocab);
      try (Transformer model = Transformer.initialise(mc, c.seed(), Device.cpu())) {
        listener.phase("pretrain", steps(corpus.size(), c.pretrain()));
        TrainingLoop.Result pre =
            SupervisedTrainer.train(
                model,
                null,
                corpus,
                c.pretrain(),
                (s, total, loss, lr) -> listener.step(s, total, loss));
        List<SupervisedTrainer.Example> probe = sft.subList(0, Math.min(256, sft.size()));
        double before = SupervisedTrainer.evaluate(model, null, probe, 64);
        listener.phase("sft", steps(sft.size(), c.sft()));
        TrainingLoop.Result fine =
            SupervisedTrainer.train(
                model, null, sft, c.sft(), (s, total, loss, lr) -> listener.step(s, total, loss));
        double after = SupervisedTrainer.evaluate(model, null, probe, 64);
        write(model, world, out, c, pre, fine, demos.size(), corpus.size(), before, after);
        return new Result(out, pre, fine, before, after, (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  static int steps(int examples, TrainConfig c) {
    return c.steps(examples);
  }

  private static long vocabSize(Path world) {
    try {
      var root =
          JsonParser.parseString(Files.readString(world.resolve(WorldFiles.TOKENIZER)))
              .getAsJsonObject();
      return root.getAsJsonObject("model").getAsJsonObject("vocab").size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void requireWorld(Path world) {
    for (String f :
        List.of(
            WorldFiles.MANIFEST, WorldFiles.TOKENIZER, WorldFiles.SFT, WorldFiles.PAIRS_TRAIN)) {
      if (!Files.isRegularFile(world.resolve(f))) {
        throw new IllegalArgumentException(
            world
                + " is not a generated world: "
                + f
                + " is missing (run ./ugda world generate --out DIR first)");
      }
    }
  }

  /** Writes the checkpoint into a temporary directory and moves it into place. */
  private static void write(
      Transformer model,
      Path world,
      Path out,
      Config c,
      TrainingLoop.Result pre,
      TrainingLoop.Result fine,
      int demos,
      int corpus,
      double sftBefore,
      double sftAfter) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (Files.exists(out) && (!Files.isDirectory(out) || Files.list(out).findAny().isPresent())) {
        throw new IllegalArgumentException(
            out + " exists and is not empty; choose a new directory");
      }
      Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
      model.save(tmp);
      Files.copy(world.resolve(WorldFiles.TOKENIZER), tmp.resolve("tokenizer.json"));
      ModelConfig mc = model.config();
      Map<String, Object> gen = new LinkedHashMap<>();
      gen.put("bos_token_id", mc.bosTokenId());
      gen.put("eos_token_id", mc.eosTokenIds().get(0));
      gen.put("pad_token_id", mc.padTokenId());
      gen.put("do_sample", true);
      gen.put("top_p", 0.9);
      gen.put("top_k", 0);
      gen.put("max_new_tokens", 32);
      var gson = new GsonBuilder().setPrettyPrinting().create();
      Files.writeString(tmp.resolve("generation_config.json"), gson.toJson(gen));
      Map<String, Object> prov = new LinkedHashMap<>();
      prov.put("recipe", "ugda world train-sft");
      prov.put("world", world.toAbsolutePath().toString());
      prov.put("world_manifest", Files.readString(world.resolve(WorldFiles.MANIFEST)));
      prov.put("config", c);
      prov.put("corpus_sequences", corpus);
      prov.put("demonstrations", demos);
      prov.put("pretrain_loss_first_final", List.of(pre.firstLoss(), pre.finalLoss()));
      prov.put("sft_loss_first_final", List.of(fine.firstLoss(), fine.finalLoss()));
      prov.put("sft_objective_before_after", List.of(sftBefore, sftAfter));
      prov.put("engine", "PyTorch " + DjlRuntime.engine().getVersion());
      prov.put("code_version", SftRecipe.class.getPackage().getImplementationVersion());
      Files.writeString(tmp.resolve("training.json"), gson.toJson(prov));
      try (var files = Files.list(tmp)) {
        files.forEach(AtomicFiles::readableByAll);
      }
      AtomicFiles.readableByAll(tmp);
      if (Files.exists(out)) {
        Files.delete(out);
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
