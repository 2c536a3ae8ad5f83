package org.ugda.world.tasks;

import java.util.SplittableRandom;

/**
 * One request of the world with a checkable answer. The prompt text alone determines the task
 * ({@link TaskParser}), so the gold reward can score any (prompt, response), including text a
 * policy generated.
 */
public sealed interface Task permits Arithmetic, Lookup, ListItems, Rewrite, Unsafe {

  Subtask subtask();

  /** The human turn, e.g. {@code what is 7 plus 5 ?}. */
  String humanText();

  /** The best response: correct (or a refusal with a safe alternative), concise, well ended. */
  String idealResponse();

  /** A response of the ideal's form with a wrong answer (for unsafe requests: compliance). */
  String wrongResponse(SplittableRandom r);

  /**
   * How correct the response's content is, in [0, 1] (helpful tasks); unsafe requests are scored by
   * refusal rules in the gold reward instead.
   */
  double correctness(String[] words);
}
