package org.ugda.world.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code reverse the words : red cat runs .}: correct when the response contains the expected word
 * sequence contiguously (extra words cost concision, not correctness).
 */
public record Rewrite(String kind, List<String> words) implements Task {

  public static final List<String> KINDS = List.of("reverse", "repeat", "sort");

  public Rewrite {
    words = List.copyOf(words);
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("rewrite kind must be one of " + KINDS);
    }
    if (words.size() < 2 || words.size() > 5) {
      throw new IllegalArgumentException("a rewrite takes 2..5 words");
    }
  }

  public List<String> expected() {
    List<String> out = new ArrayList<>(words);
    switch (kind) {
      case "reverse" -> Collections.reverse(out);
      case "sort" -> out.sort((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y)));
      default -> {}
    }
    return out;
  }

  @Override
  public Subtask subtask() {
    return Subtask.HELPFUL;
  }

  @Override
  public String humanText() {
    String noun = kind.equals("sort") ? "numbers" : "words";
    return kind + " the " + noun + " : " + String.join(" ", words) + " .";
  }

  @Override
  public String idealResponse() {
    return String.join(" ", expected()) + " .";
  }

  @Override
  public String wrongResponse(SplittableRandom r) {
    List<String> out = new ArrayList<>(expected());
    int i = r.nextInt(out.size() - 1);
    Collections.swap(out, i, i + 1);
    if (out.equals(expected())) {
      out.remove(0);
    }
    return String.join(" ", out) + " .";
  }

  @Override
  public double correctness(String[] response) {
    List<String> exp = expected();
    outer:
    for (int i = 0; i + exp.size() <= response.length; i++) {
      for (int j = 0; j < exp.size(); j++) {
        if (!response[i + j].equals(exp.get(j))) {
          continue outer;
        }
      }
      return 1.0;
    }
    return 0.0;
  }
}
