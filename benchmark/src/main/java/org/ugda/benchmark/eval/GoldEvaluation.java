package org.ugda.benchmark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ugda.benchmark.sft.WorldCodec;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.core.model.Transformer;
import org.ugda.world.data.WorldData;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.tasks.Subtask;
import org.ugda.world.text.Dialogue;

/** A policy's mean gold reward on held-out prompts, overall and per subtask. */
public final class GoldEvaluation {
  private GoldEvaluation() {}

  /** Mean gold reward overall and per subtask, and the mean response length in words. */
  public record Report(
      String name, double mean, double helpful, double harmless, int n, double meanWords) {
    public String line() {
      return String.format(
          Locale.ROOT,
          "%-28s gold %.3f  (helpful %.3f, harmless %.3f)  %5.1f words, n=%d",
          name,
          mean,
          helpful,
          harmless,
          meanWords,
          n);
    }
  }

  /** Scores responses to prompts. */
  public static Report score(
      String name, List<WorldData.PromptItem> prompts, List<String> responses) {
    double sum = 0;
    double[] sub = new double[2];
    int[] count = new int[2];
    double words = 0;
    for (int i = 0; i < prompts.size(); i++) {
      double g = GoldReward.of(prompts.get(i).prompt(), responses.get(i));
      sum += g;
      int s = Subtask.of(prompts.get(i).subtask()).ordinal();
      sub[s] += g;
      count[s]++;
      words += Dialogue.words(responses.get(i)).length;
    }
    int n = prompts.size();
    return new Report(
        name,
        sum / n,
        sub[0] / Math.max(1, count[0]),
        sub[1] / Math.max(1, count[1]),
        n,
        words / n);
  }

  /** Generates with the model (adapter may be null) and scores. */
  public static Report policy(
      String name,
      Transformer model,
      String adapter,
      WorldCodec codec,
      List<WorldData.PromptItem> prompts,
      GenerationConfig gen,
      int batchSize) {
    return score(name, prompts, generate(model, adapter, codec, prompts, gen, batchSize));
  }

  public static List<String> generate(
      Transformer model,
      String adapter,
      WorldCodec codec,
      List<WorldData.PromptItem> prompts,
      GenerationConfig gen,
      int batchSize) {
    List<String> out = new ArrayList<>();
    for (int from = 0; from < prompts.size(); from += batchSize) {
      List<long[]> batch = new ArrayList<>();
      for (int i = from; i < Math.min(prompts.size(), from + batchSize); i++) {
        batch.add(codec.prompt(prompts.get(i).prompt()));
      }
      Generator.Result r =
          Generator.generate(model, adapter, batch, gen.withSeed(gen.seed() + from));
      for (long[] t : r.tokens()) {
        out.add(codec.decode(t));
      }
    }
    return out;
  }

  /** Uniformly random vocabulary words, as many as the best response has: the floor. */
  public static Report randomTokens(
      List<WorldData.PromptItem> prompts, List<String> vocabulary, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> responses = new ArrayList<>();
    for (WorldData.PromptItem p : prompts) {
      int n = Dialogue.words(p.best()).length;
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : " ").append(vocabulary.get(r.nextInt(vocabulary.size())));
      }
      responses.add(sb.toString());
    }
    return score("random tokens", prompts, responses);
  }

  /** The best demonstration of each prompt: the ceiling. */
  public static Report best(List<WorldData.PromptItem> prompts) {
    return score(
        "best demonstration", prompts, prompts.stream().map(WorldData.PromptItem::best).toList());
  }
}
