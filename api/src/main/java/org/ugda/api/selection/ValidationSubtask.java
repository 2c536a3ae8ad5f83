package org.ugda.api.selection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A validation subtask of Eq. 10-12 ({@code helpful}, {@code harmless}, ...): a name and its
 * (prompt, chosen response) examples, at least one.
 */
public record ValidationSubtask(String name, List<ValidationExample> examples) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public ValidationSubtask {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a validation subtask needs a name of 1-64 letters, digits, '.', '_' or '-', got "
              + (name == null ? "none" : "'" + name + "'"));
    }
    if (examples == null || examples.isEmpty()) {
      throw new IllegalArgumentException(
          "validation subtask '" + name + "' is empty; it needs at least one example");
    }
    for (int i = 0; i < examples.size(); i++) {
      if (examples.get(i) == null) {
        throw new IllegalArgumentException(
            "validation subtask '" + name + "' example " + i + " is null");
      }
    }
    examples = List.copyOf(examples);
  }
}
