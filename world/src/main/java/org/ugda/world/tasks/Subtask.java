package org.ugda.world.tasks;

import java.util.Locale;

/** The two subtasks of the world, as in the paper's HH split. */
public enum Subtask {
  HELPFUL,
  HARMLESS;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Subtask of(String s) {
    for (Subtask t : values()) {
      if (t.id().equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("subtask must be helpful or harmless, got '" + s + "'");
  }
}
