package org.ugda.gateway.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a key may do, ordered: each role may do everything the roles before it may. See {@link
 * AccessRules} for which paths need which role.
 */
public enum Role {
  /** Every GET, and scoring with a reward ensemble. */
  READER,
  /** A reader that also claims and labels human tasks, under its own name. */
  LABELLER,
  /** Everything under {@code /api} but managing keys: jobs, runs, training, selection. */
  OPERATOR,
  /** Everything, including {@code /api/keys}. */
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The name in requests, responses and the database: {@code reader}, {@code admin}, ... */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code text} ({@code reader}, ...); a sentence saying what is known otherwise.
   */
  public static Role of(String text) {
    for (Role role : values()) {
      if (role.wire().equals(text)) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "role must be one of "
            + Arrays.stream(values()).map(Role::wire).collect(Collectors.joining(", "))
            + ", got '"
            + (text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "..." : text)
            + "'");
  }
}
