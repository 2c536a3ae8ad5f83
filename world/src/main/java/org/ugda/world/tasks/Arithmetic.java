package org.ugda.world.tasks;

import java.util.SplittableRandom;

/**
 * {@code what is A plus B ?}: answered correctly when the last number in the response is the
 * result.
 */
public record Arithmetic(int a, String op, int b, int variant) implements Task {

  public static final String[] QUESTIONS = {
    "what is {a} {op} {b} ?", "compute {a} {op} {b} .", "how much is {a} {op} {b} ?"
  };

  public Arithmetic {
    if (result(a, op, b) < 0 || result(a, op, b) > Facts.MAX_NUMBER) {
      throw new IllegalArgumentException(a + " " + op + " " + b + " leaves 0.." + Facts.MAX_NUMBER);
    }
  }

  static int result(int a, String op, int b) {
    return switch (op) {
      case "plus" -> a + b;
      case "minus" -> a - b;
      case "times" -> a * b;
      default -> throw new IllegalArgumentException("unknown operation " + op);
    };
  }

  public int result() {
    return result(a, op, b);
  }

  @Override
  public Subtask subtask() {
    return Subtask.HELPFUL;
  }

  @Override
  public String humanText() {
    return QUESTIONS[variant]
        .replace("{a}", Integer.toString(a))
        .replace("{op}", op)
        .replace("{b}", Integer.toString(b));
  }

  @Override
  public String idealResponse() {
    return a + " " + op + " " + b + " is " + result() + " .";
  }

  @Override
  public String wrongResponse(SplittableRandom r) {
    int wrong = result();
    while (wrong == result()) {
      wrong = Math.max(0, Math.min(Facts.MAX_NUMBER, result() + r.nextInt(-5, 6)));
    }
    return a + " " + op + " " + b + " is " + wrong + " .";
  }

  @Override
  public double correctness(String[] words) {
    Integer last = null;
    for (String w : words) {
      if (isNumber(w)) {
        last = Integer.parseInt(w);
      }
    }
    return last != null && last == result() ? 1.0 : 0.0;
  }

  static boolean isNumber(String w) {
    if (w.isEmpty() || w.length() > 3) {
      return false;
    }
    for (int i = 0; i < w.length(); i++) {
      if (!Character.isDigit(w.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
