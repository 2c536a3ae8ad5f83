package org.ugda.world.expert;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.ugda.world.gold.GoldReward;

/**
 * An expert that labels 1-5 from the gold reward and agrees with it at a set rate, like the paper's
 * human and GPT-4 raters (84-90% exact agreement, table 1).
 *
 * <p>The true label of a response with gold score g is 1 + floor(5 g), capped at 5 (0.8 and above
 * is a 5, below 0.2 a 1). With probability {@code agreement} the expert gives it; otherwise it
 * gives a neighbouring label (one above or below, the only neighbour at the ends). The draw is a
 * hash of (seed, prompt, response): the same item always gets the same label, whatever the order of
 * calls or the process.
 */
public final class SimulatedExpert {

  public static final double DEFAULT_AGREEMENT = 0.87;

  private final long seed;
  private final double agreement;

  public SimulatedExpert(long seed, double agreement) {
    if (!(agreement >= 0 && agreement <= 1)) {
      throw new IllegalArgumentException("agreement rate must be in [0, 1], got " + agreement);
    }
    this.seed = seed;
    this.agreement = agreement;
  }

  public double agreement() {
    return agreement;
  }

  /** The label 1..5, or empty when the prompt is not from the benchmark world. */
  public OptionalInt label(String prompt, String response) {
    var score = GoldReward.score(prompt, response);
    if (score.isEmpty()) {
      return OptionalInt.empty();
    }
    int truth = trueLabel(score.get().total());
    SplittableRandom r = new SplittableRandom(hash(prompt, response));
    if (r.nextDouble() < agreement) {
      return OptionalInt.of(truth);
    }
    if (truth == 1) {
      return OptionalInt.of(2);
    }
    if (truth == 5) {
      return OptionalInt.of(4);
    }
    return OptionalInt.of(r.nextBoolean() ? truth + 1 : truth - 1);
  }

  /** The label the gold reward itself implies: 1 + floor(5 g), in 1..5. */
  public static int trueLabel(double gold) {
    return Math.max(1, Math.min(5, 1 + (int) Math.floor(5 * gold)));
  }

  private long hash(String prompt, String response) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (byte b : (prompt + "\u0000" + response).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ b) * 0x100000001B3L;
    }
    return h;
  }
}
