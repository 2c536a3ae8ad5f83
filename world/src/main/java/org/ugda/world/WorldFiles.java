package org.ugda.world;

import java.nio.file.Path;
import java.util.List;

/** The file names of a generated world directory. */
public final class WorldFiles {
  private WorldFiles() {}

  public static final String MANIFEST = "world.json";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String SFT = "sft.jsonl";
  public static final String PAIRS_TRAIN = "pairs-train.jsonl";
  public static final String PAIRS_TEST = "pairs-test.jsonl";
  public static final String PPO_PROMPTS = "ppo-prompts.jsonl";
  public static final String EVAL_PROMPTS = "eval-prompts.jsonl";

  public static String validation(String subtask) {
    return "validation-" + subtask + ".jsonl";
  }

  /** Every file a world holds besides its manifest, in the manifest's order. */
  public static final List<String> DATA =
      List.of(
          SFT,
          PAIRS_TRAIN,
          PAIRS_TEST,
          PPO_PROMPTS,
          EVAL_PROMPTS,
          validation("helpful"),
          validation("harmless"),
          TOKENIZER);

  public static Path in(Path dir, String name) {
    return dir.resolve(name);
  }
}
