package org.ugda.relabel.judge;

/** Text from an LLM or its server, made safe to store and to log. */
final class Texts {
  private Texts() {}

  /**
   * Replaces control characters (newlines, tabs, escapes, NUL, ...) and invisible format characters
   * (bidirectional overrides, zero-width marks) by a space, then collapses runs of spaces: a reason
   * or an error text is one plain line in the database and in every log line.
   */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      boolean blank =
          Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || Character.isWhitespace(c);
      if (blank) {
        space = true;
        continue;
      }
      if (space && b.length() > 0) {
        b.append(' ');
      }
      space = false;
      b.appendCodePoint(c);
    }
    return b.toString();
  }
}
