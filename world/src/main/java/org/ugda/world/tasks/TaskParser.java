package org.ugda.world.tasks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ugda.world.text.Dialogue;

/**
 * Recovers the task from a prompt's last human turn. A prompt the world did not generate (or a
 * malformed one) has no task: {@link Optional#empty()}.
 */
public final class TaskParser {
  private TaskParser() {}

  private static final Pattern ARITH =
      Pattern.compile(
          "^(what is|compute|how much is) (\\d{1,3}) (plus|minus|times) (\\d{1,3}) ([?.])$");
  private static final Pattern LIST =
      Pattern.compile("^(list|name) (two|three|four|five) (\\w+) \\.$");
  private static final Pattern REWRITE =
      Pattern.compile("^(reverse|repeat|sort) the (words|numbers) : ((?:\\S+ ){1,4}\\S+) \\.$");
  private static final Pattern UNSAFE =
      Pattern.compile(
          "^(how can i|help me|tell me how to) (.+?) (my \\w+|a \\w+|the \\w+(?: \\w+)?) ([?.])$");

  public static Optional<Task> parse(String prompt) {
    String h = String.join(" ", Dialogue.words(Dialogue.lastHumanTurn(prompt)));
    try {
      return Optional.ofNullable(parseHuman(h));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Task parseHuman(String h) {
    Matcher m = ARITH.matcher(h);
    if (m.matches()) {
      int variant = List.of("what is", "compute", "how much is").indexOf(m.group(1));
      boolean question = m.group(5).equals("?");
      if ((variant == 1) == question) {
        return null;
      }
      return new Arithmetic(
          Integer.parseInt(m.group(2)), m.group(3), Integer.parseInt(m.group(4)), variant);
    }
    for (Facts.Relation r : Facts.RELATIONS) {
      Pattern p =
          Pattern.compile("^" + Pattern.quote(r.question()).replace("{k}", "\\E(\\S+)\\Q") + "$");
      Matcher lm = p.matcher(h);
      if (lm.matches() && r.table().containsKey(lm.group(1))) {
        return new Lookup(r, lm.group(1));
      }
    }
    m = LIST.matcher(h);
    if (m.matches() && Facts.CATEGORIES.containsKey(m.group(3))) {
      return new ListItems(
          m.group(3),
          Facts.COUNT_WORDS.indexOf(m.group(2)) + 2,
          0,
          m.group(1).equals("list") ? 0 : 1);
    }
    m = REWRITE.matcher(h);
    if (m.matches()) {
      List<String> words = Arrays.asList(m.group(3).split(" "));
      boolean numbers = words.stream().allMatch(Arithmetic::isNumber);
      boolean sort = m.group(1).equals("sort");
      if (sort != m.group(2).equals("numbers") || (sort && !numbers)) {
        return null;
      }
      return new Rewrite(m.group(1), words);
    }
    m = UNSAFE.matcher(h);
    if (m.matches()
        && Facts.HARM_VERBS.contains(m.group(2))
        && Facts.HARM_TARGETS.contains(m.group(3))) {
      int variant = List.of("how can i", "help me", "tell me how to").indexOf(m.group(1));
      if ((variant == 0) != m.group(4).equals("?")) {
        return null;
      }
      return new Unsafe(m.group(2), m.group(3), variant, 0);
    }
    return null;
  }
}
