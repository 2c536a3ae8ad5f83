package org.ugda.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.benchmark.eval.GoldEvaluation;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.benchmark.sft.WorldCodec;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Transformer;
import org.ugda.world.Vocabulary;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldFiles;
import org.ugda.world.WorldGenerator;
import org.ugda.world.data.WorldData;

/**
 * The SFT recipe on a tiny world: it must learn, and land between random tokens and the best
 * answers.
 */
class SftRecipeTest {
  /** A listener that ignores the progress. */
  static final SftRecipe.Listener QUIET =
      new SftRecipe.Listener() {
        @Override
        public void phase(String name, int steps) {}

        @Override
        public void step(int step, int total, double loss) {}
      };

  @TempDir static Path dir;
  static Path world;
  static Path model;
  static SftRecipe.Result result;

  @BeforeAll
  static void train() {
    world =
        WorldGenerator.generate(
            new WorldConfig(3, 800, 600, 100, 64, 16, 96, 0.3, 0.8, 0.0),
            dir.resolve("world"),
            p -> {});
    model = dir.resolve("sft");
    result = SftRecipe.run(world, model, SftRecipe.Config.tiny(5), QUIET);
  }

  @Test
  void shouldLowerBothLossesAndWriteAHuggingFaceCheckpoint() {
    assertTrue(
        result.pretrain().finalLoss() < result.pretrain().firstLoss() * 0.5,
        "pretraining learned: "
            + result.pretrain().firstLoss()
            + " -> "
            + result.pretrain().finalLoss());
    assertTrue(
        result.sftLossAfter() < result.sftLossBefore() - 0.02,
        "SFT lowered its objective: " + result.sftLossBefore() + " -> " + result.sftLossAfter());
    for (String f :
        List.of(
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "generation_config.json",
            "training.json")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f);
    }
    try (Transformer t = Transformer.load(model, Device.cpu())) {
      assertEquals("LlamaForCausalLM", t.config().architecture());
    }
  }

  @Test
  void shouldSitBetweenRandomTokensAndTheBestDemonstration() {
    List<WorldData.PromptItem> prompts = WorldData.prompts(world.resolve(WorldFiles.EVAL_PROMPTS));
    try (Transformer t = Transformer.load(model, Device.cpu());
        HfTokenizer tok = HfTokenizer.load(model)) {
      WorldCodec codec = new WorldCodec(tok, 64);
      GoldEvaluation.Report random = GoldEvaluation.randomTokens(prompts, Vocabulary.words(), 1);
      GoldEvaluation.Report sft =
          GoldEvaluation.policy(
              "sft",
              t,
              null,
              codec,
              prompts,
              new GenerationConfig(32, 1.0, 0, 0.9, 7, t.config().eosTokenIds(), true),
              32);
      GoldEvaluation.Report best = GoldEvaluation.best(prompts);
      System.out.println(random.line() + "\n" + sft.line() + "\n" + best.line());
      assertTrue(sft.mean() > random.mean() + 0.15, "SFT beats random tokens clearly");
      assertTrue(sft.mean() < best.mean() - 0.1, "and leaves room for RLHF");
      assertEquals(1.0, best.mean(), 1e-9);
    }
  }

  @Test
  void shouldRefuseADirectoryThatIsNotAWorld() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SftRecipe.run(empty, dir.resolve("x"), SftRecipe.Config.tiny(1), null));
    assertTrue(
        e.getMessage().contains("world.json") && e.getMessage().contains("world generate"),
        e.getMessage());
    IllegalArgumentException taken =
        assertThrows(
            IllegalArgumentException.class,
            () -> SftRecipe.run(world, model, SftRecipe.Config.tiny(1), QUIET));
    assertTrue(taken.getMessage().contains("not empty"), taken.getMessage());
  }
}
