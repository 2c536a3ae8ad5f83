package org.ugda.world.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A fact lookup ({@code what is the capital of france ?}): correct when the right value appears and
 * no other value of the same relation does.
 */
public record Lookup(Facts.Relation relation, String key) implements Task {

  public Lookup {
    if (!relation.table().containsKey(key)) {
      throw new IllegalArgumentException("no " + relation.name() + " fact for " + key);
    }
  }

  public String value() {
    return relation.table().get(key);
  }

  @Override
  public Subtask subtask() {
    return Subtask.HELPFUL;
  }

  @Override
  public String humanText() {
    return relation.question().replace("{k}", key);
  }

  @Override
  public String idealResponse() {
    return relation.answer().replace("{k}", key).replace("{v}", value());
  }

  @Override
  public String wrongResponse(SplittableRandom r) {
    List<String> others = relation.values().stream().filter(v -> !v.equals(value())).toList();
    return relation
        .answer()
        .replace("{k}", key)
        .replace("{v}", others.get(r.nextInt(others.size())));
  }

  /** Keys and values of a relation never overlap, so a mention of any value is an answer. */
  @Override
  public double correctness(String[] words) {
    boolean right = false;
    boolean wrong = false;
    List<String> values = relation.values();
    for (String w : words) {
      if (w.equals(value())) {
        right = true;
      } else if (values.contains(w)) {
        wrong = true;
      }
    }
    return right && !wrong ? 1.0 : 0.0;
  }
}
