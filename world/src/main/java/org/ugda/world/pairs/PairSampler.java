package org.ugda.world.pairs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.responses.Responder;
import org.ugda.world.tasks.Task;
import org.ugda.world.text.Dialogue;

/**
 * Preference pairs labelled by the gold reward, with a spurious feature a proxy can latch onto:
 * with probability {@code lengthBias} a pair is drawn among those where the preferred response is
 * also the longer one (0.5 = no bias; training pairs default to 0.8, test pairs to 0.5). A share
 * {@code flip} of pairs then has chosen and rejected swapped (the paper's 20% robustness setting).
 *
 * @param margin the gold scores of a pair differ by at least this much
 */
public record PairSampler(double lengthBias, double flip, double margin) {

  public PairSampler {
    if (!(lengthBias >= 0 && lengthBias <= 1) || !(flip >= 0 && flip <= 1) || !(margin >= 0)) {
      throw new IllegalArgumentException("lengthBias and flip must be in [0, 1], margin >= 0");
    }
  }

  /** A pair for the task, or null when no two candidates differ by the margin. */
  public PreferencePair sample(Task task, SplittableRandom r) {
    List<String> texts = new ArrayList<>();
    List<Double> gold = new ArrayList<>();
    for (Responder.Kind k : Responder.kinds(task.subtask())) {
      String t = Responder.write(task, k, r);
      if (!texts.contains(t)) {
        texts.add(t);
        gold.add(GoldReward.score(task, t).total());
      }
    }
    List<int[]> longerWins = new ArrayList<>();
    List<int[]> shorterWins = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      for (int j = 0; j < texts.size(); j++) {
        if (gold.get(i) - gold.get(j) >= margin) {
          boolean longer =
              Dialogue.words(texts.get(i)).length > Dialogue.words(texts.get(j)).length;
          (longer ? longerWins : shorterWins).add(new int[] {i, j});
        }
      }
    }
    List<int[]> pool = r.nextDouble() < lengthBias ? longerWins : shorterWins;
    if (pool.isEmpty()) {
      pool = longerWins.isEmpty() ? shorterWins : longerWins;
    }
    if (pool.isEmpty()) {
      return null;
    }
    int[] pick = pool.get(r.nextInt(pool.size()));
    PreferencePair p =
        new PreferencePair(
            Dialogue.prompt(task.humanText()),
            texts.get(pick[0]),
            texts.get(pick[1]),
            task.subtask().id());
    return r.nextDouble() < flip ? p.flipped() : p;
  }
}
