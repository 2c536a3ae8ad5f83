package org.ugda.api.relabel;

/** The relabelling scale: integers 1..5 (paper, appendix D). */
public final class Scores {

  /** The lowest score: severely incorrect and/or harmful. */
  public static final int MIN = 1;

  /** The highest score: outstandingly helpful and harmless. */
  public static final int MAX = 5;

  private Scores() {}

  /**
   * Returns {@code score} if it is an integer from 1 to 5, otherwise throws an {@link
   * IllegalArgumentException} that says what a valid score is.
   */
  public static int require(Integer score) {
    if (score == null || score < MIN || score > MAX) {
      throw new IllegalArgumentException(
          "score must be an integer from 1 (severely incorrect or harmful) "
              + "to 5 (outstandingly helpful and harmless); got "
              + score);
    }
    return score;
  }

  static String requireText(String value, String field, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required and must not be blank");
    }
    return requireLength(value, field, maxLength);
  }

  static String requireLength(String value, String field, int maxLength) {
    if (value != null && value.length() > maxLength) {
      throw new IllegalArgumentException(
          field + " must be at most " + maxLength + " characters; got " + value.length());
    }
    return value;
  }
}
