package org.ugda.world.tasks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code list three fruits .}: scored by the share of the requested count filled with distinct
 * members of the category, zero if a member of another category or a duplicate appears.
 */
public record ListItems(String category, int count, int firstItem, int variant) implements Task {

  public static final String[] QUESTIONS = {"list {n} {c} .", "name {n} {c} ."};

  public ListItems {
    if (!Facts.CATEGORIES.containsKey(category)) {
      throw new IllegalArgumentException("unknown category " + category);
    }
    if (count < 2 || count > 5) {
      throw new IllegalArgumentException("count must be 2..5");
    }
  }

  @Override
  public Subtask subtask() {
    return Subtask.HELPFUL;
  }

  @Override
  public String humanText() {
    return QUESTIONS[variant].replace("{n}", Facts.countWord(count)).replace("{c}", category);
  }

  private List<String> items(int from) {
    List<String> members = Facts.CATEGORIES.get(category);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(members.get((from + i) % members.size()));
    }
    return out;
  }

  @Override
  public String idealResponse() {
    return String.join(" , ", items(firstItem)) + " .";
  }

  @Override
  public String wrongResponse(SplittableRandom r) {
    // one item short, or one from another category
    List<String> items = new ArrayList<>(items(firstItem));
    if (r.nextBoolean() && items.size() > 1) {
      items.remove(items.size() - 1);
    } else {
      List<String> others = new ArrayList<>();
      Facts.CATEGORIES.forEach(
          (c, m) -> {
            if (!c.equals(category)) {
              m.stream()
                  .filter(w -> !Facts.CATEGORIES.get(category).contains(w))
                  .forEach(others::add);
            }
          });
      items.set(items.size() - 1, others.get(r.nextInt(others.size())));
    }
    return String.join(" , ", items) + " .";
  }

  @Override
  public double correctness(String[] words) {
    List<String> members = Facts.CATEGORIES.get(category);
    Set<String> seen = new HashSet<>();
    for (String w : words) {
      if (members.contains(w)) {
        if (!seen.add(w)) {
          return 0.0;
        }
      } else if (isOtherCategoryMember(w, members)) {
        return 0.0;
      }
    }
    return Math.min(seen.size(), count) / (double) count - (seen.size() > count ? 0.5 : 0.0);
  }

  private boolean isOtherCategoryMember(String w, List<String> members) {
    for (var e : Facts.CATEGORIES.entrySet()) {
      if (!e.getKey().equals(category) && e.getValue().contains(w) && !members.contains(w)) {
        return true;
      }
    }
    return false;
  }
}
