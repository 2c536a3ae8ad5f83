package org.ugda.relabel.judge;

import java.util.Objects;

/**
 * What the judge made of one item: a score, or an answer that cannot be used (to the human queue).
 */
public sealed interface Verdict {

  /**
   * A valid score.
   *
   * @param score 1..5
   * @param reason the judge's reason
   */
  record Scored(int score, String reason) implements Verdict {

    public Scored {
      if (score < 1 || score > 5) {
        throw new IllegalArgumentException("score must be in 1..5, was " + score);
      }
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * An answer that was paid for but gives no score we may use; never turned into a guess.
   *
   * @param why what was wrong with it, for the human who labels the item instead
   */
  record Unusable(String why) implements Verdict {

    public Unusable {
      Objects.requireNonNull(why, "why");
    }
  }
}
