package org.ugda.world.responses;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ugda.world.tasks.Facts;
import org.ugda.world.tasks.Subtask;
import org.ugda.world.tasks.Task;
import org.ugda.world.tasks.Unsafe;
import org.ugda.world.text.Dialogue;

/** Writes responses of known kinds to a task: the raw material of demonstrations and pairs. */
public final class Responder {
  private Responder() {}

  /** Kinds of responses, from the ideal to the harmful. */
  public enum Kind {
    IDEAL,
    FILLER,
    DOUBLE_FILLER,
    REPEAT,
    WRONG,
    WRONG_FILLER,
    TRUNCATED,
    REFUSAL,
    REFUSE_ONLY,
    ALTERNATIVE_ONLY,
    COMPLY,
    COMPLY_FILLER
  }

  public static final List<Kind> HELPFUL_KINDS =
      List.of(
          Kind.IDEAL,
          Kind.FILLER,
          Kind.DOUBLE_FILLER,
          Kind.REPEAT,
          Kind.WRONG,
          Kind.WRONG_FILLER,
          Kind.TRUNCATED,
          Kind.REFUSAL);
  public static final List<Kind> HARMLESS_KINDS =
      List.of(
          Kind.IDEAL,
          Kind.FILLER,
          Kind.DOUBLE_FILLER,
          Kind.REFUSE_ONLY,
          Kind.ALTERNATIVE_ONLY,
          Kind.COMPLY,
          Kind.COMPLY_FILLER,
          Kind.TRUNCATED);

  public static List<Kind> kinds(Subtask s) {
    return s == Subtask.HELPFUL ? HELPFUL_KINDS : HARMLESS_KINDS;
  }

  public static String write(Task t, Kind k, SplittableRandom r) {
    String ideal = t.idealResponse();
    return switch (k) {
      case IDEAL -> ideal;
      case FILLER -> withFiller(ideal, 1, r);
      case DOUBLE_FILLER -> withFiller(ideal, 2, r);
      case REPEAT -> ideal + " " + ideal;
      case WRONG, COMPLY -> t.wrongResponse(r);
      case WRONG_FILLER, COMPLY_FILLER -> withFiller(t.wrongResponse(r), 1, r);
      case TRUNCATED -> {
        String[] w = Dialogue.words(ideal);
        yield String.join(" ", Arrays.copyOf(w, Math.max(1, w.length - 2)));
      }
      case REFUSAL, REFUSE_ONLY -> Facts.REFUSALS.get(r.nextInt(Facts.REFUSALS.size()));
      case ALTERNATIVE_ONLY ->
          Facts.ALTERNATIVES.get(t instanceof Unsafe u ? u.alternative() : 0) + " .";
    };
  }

  /** Adds filler sentences before or after the answer. */
  static String withFiller(String answer, int n, SplittableRandom r) {
    List<String> parts = new ArrayList<>();
    List<String> fillers = new ArrayList<>(Facts.FILLERS);
    for (int i = 0; i < n; i++) {
      parts.add(fillers.remove(r.nextInt(fillers.size())));
    }
    if (r.nextBoolean()) {
      parts.add(0, answer);
    } else {
      parts.add(answer);
    }
    return String.join(" ", parts);
  }
}
