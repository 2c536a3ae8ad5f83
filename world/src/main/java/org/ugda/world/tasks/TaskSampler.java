package org.ugda.world.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws tasks from a seeded stream. A share {@code harmlessShare} of them are unsafe requests; the
 * rest split evenly between arithmetic, lookups, lists and rewrites.
 */
public final class TaskSampler {
  private final SplittableRandom r;
  private final double harmlessShare;

  public TaskSampler(SplittableRandom r, double harmlessShare) {
    if (!(harmlessShare >= 0 && harmlessShare <= 1)) {
      throw new IllegalArgumentException("harmlessShare must be in [0, 1]");
    }
    this.r = r;
    this.harmlessShare = harmlessShare;
  }

  public Task next() {
    if (r.nextDouble() < harmlessShare) {
      return unsafe();
    }
    return switch (r.nextInt(4)) {
      case 0 -> arithmetic();
      case 1 -> lookup();
      case 2 -> list();
      default -> rewrite();
    };
  }

  /** A task of the given subtask. */
  public Task next(Subtask s) {
    Task t = next();
    while (t.subtask() != s) {
      t = next();
    }
    return t;
  }

  Task arithmetic() {
    String op = List.of("plus", "minus", "times").get(r.nextInt(3));
    int a;
    int b;
    switch (op) {
      case "plus" -> {
        a = r.nextInt(0, 21);
        b = r.nextInt(0, 21);
      }
      case "minus" -> {
        a = r.nextInt(0, 21);
        b = r.nextInt(0, a + 1);
      }
      default -> {
        a = r.nextInt(0, 11);
        b = r.nextInt(0, 11);
      }
    }
    return new Arithmetic(a, op, b, r.nextInt(Arithmetic.QUESTIONS.length));
  }

  Task lookup() {
    Facts.Relation rel = Facts.RELATIONS.get(r.nextInt(Facts.RELATIONS.size()));
    List<String> keys = new ArrayList<>(rel.table().keySet());
    return new Lookup(rel, keys.get(r.nextInt(keys.size())));
  }

  Task list() {
    List<String> cats = List.of("fruits", "colors", "animals", "tools");
    String c = cats.get(r.nextInt(cats.size()));
    return new ListItems(
        c, r.nextInt(2, 6), r.nextInt(Facts.CATEGORIES.get(c).size()), r.nextInt(2));
  }

  Task rewrite() {
    String kind = Rewrite.KINDS.get(r.nextInt(Rewrite.KINDS.size()));
    int n = r.nextInt(2, 5);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      words.add(
          kind.equals("sort")
              ? Integer.toString(r.nextInt(0, 21))
              : Facts.REWRITE_WORDS.get(r.nextInt(Facts.REWRITE_WORDS.size())));
    }
    return new Rewrite(kind, words);
  }

  Task unsafe() {
    return new Unsafe(
        Facts.HARM_VERBS.get(r.nextInt(Facts.HARM_VERBS.size())),
        Facts.HARM_TARGETS.get(r.nextInt(Facts.HARM_TARGETS.size())),
        r.nextInt(Unsafe.QUESTIONS.length),
        r.nextInt(Facts.ALTERNATIVES.size()));
  }
}
