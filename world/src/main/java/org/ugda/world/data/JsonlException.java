package org.ugda.world.data;

import java.nio.file.Path;

/** A malformed line of a JSONL file: names the file, the 1-based line and the field. */
public class JsonlException extends IllegalArgumentException {
  private final Path file;
  private final long line;
  private final String field;

  public JsonlException(Path file, long line, String field, String message) {
    super(file + ":" + line + (field == null ? "" : ": field \"" + field + "\"") + ": " + message);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public Path file() {
    return file;
  }

  public long line() {
    return line;
  }

  public String field() {
    return field;
  }
}
