package org.ugda.api.check;

import java.util.regex.Pattern;

/** Checks the request records of every contract share; each message names the field and the fix. */
public final class RequestChecks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private RequestChecks() {}

  /** An ensemble name: what the name may look like is the same wherever an ensemble is made. */
  public static void ensembleName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-100 characters of letters, digits, '.', '_' or '-', "
              + "starting with a letter or digit; got "
              + (name == null ? "none" : quoted(name)));
    }
  }

  /** A caller's text quoted as a message may quote it: at most 100 characters, and its length. */
  public static String quoted(String text) {
    return text.length() <= 100
        ? "'" + text + "'"
        : "'" + text.substring(0, 100) + "...' (" + text.length() + " characters)";
  }

  /**
   * An optional base checkpoint: null takes the service's default, but a given one must name a
   * directory.
   */
  public static void baseModel(String baseModel) {
    if (baseModel != null && baseModel.isBlank()) {
      throw new IllegalArgumentException(
          "baseModel is required to be a checkpoint directory under the storage root or a model"
              + " root when given; leave it out for the service's default"
              + " (ugda.reward.default-base-model)");
    }
  }

  /** A text that must be present and not blank; {@code what} says what it names. */
  public static void notBlank(String value, String field, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required: " + what);
    }
  }

  /** An optional version number: null means the latest, else 1 or more. */
  public static void version(Integer version, String field) {
    if (version != null && version < 1) {
      throw new IllegalArgumentException(
          field + " must be a version number, 1 or more (null: the latest), got " + version);
    }
  }

  /** An optional integer in {@code [min, max]}. */
  public static void range(Integer value, String field, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
    }
  }

  /** An optional number in {@code [min, max]} (NaN is outside). */
  public static void range(Double value, String field, double min, double max) {
    if (value != null && !(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          field + " must be in [" + number(min) + ", " + number(max) + "], got " + value);
    }
  }

  /** An optional finite number, 0 or more. */
  public static void nonNegative(Double value, String field) {
    if (value != null && !(value >= 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException(
          field + " must be a finite number, 0 or more, got " + value);
    }
  }

  /** A bound as a person would write it: 10, not 10.0. */
  public static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
