package org.ugda.api.check;

import java.util.Arrays;
import java.util.Locale;

/**
 * Enum constants as the wire spells them: lower case, {@code _} as {@code -} ({@code ADAM_LESS} is
 * {@code adam-less}); parsing ignores case and names every allowed value when it fails.
 */
public final class WireNames {
  private WireNames() {}

  /** The wire name of a constant. */
  public static String of(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The constant of {@code type} spelled {@code s} on the wire.
   *
   * @throws IllegalArgumentException naming {@code field} and the allowed values
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String s, String field) {
    for (E e : type.getEnumConstants()) {
      if (of(e).equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        field
            + " must be one of "
            + Arrays.stream(type.getEnumConstants()).map(WireNames::of).toList()
            + ", got "
            + (s == null ? "null" : "'" + s + "'"));
  }
}
