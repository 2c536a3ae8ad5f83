package org.ugda.world.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON Lines, strictly: every non-blank line one JSON object; a malformed line fails the whole read
 * with its line number (no partial result); writes go through a temporary file and an atomic
 * rename, so a failed write leaves the previous file (or none).
 */
public final class Jsonl {
  private Jsonl() {}

  /** Lines longer than this are refused rather than parsed (hostile or corrupt input). */
  public static final int MAX_LINE_CHARS = 1 << 20;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** A parsed line: its number and object, with field accessors that report the line. */
  public record Line(Path file, long number, JsonObject object) {
    public String string(String field) {
      JsonElement e = object.get(field);
      if (e == null || e.isJsonNull()) {
        throw new JsonlException(file, number, field, "missing");
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw new JsonlException(
            file, number, field, "must be a string, got " + abbreviate(e.toString()));
      }
      return e.getAsString();
    }

    public String optString(String field, String def) {
      JsonElement e = object.get(field);
      return e == null || e.isJsonNull() ? def : string(field);
    }

    public int integer(String field) {
      JsonElement e = object.get(field);
      if (e == null || e.isJsonNull()) {
        throw new JsonlException(file, number, field, "missing");
      }
      try {
        double d = e.getAsDouble();
        if (d != Math.rint(d)) {
          throw new NumberFormatException();
        }
        return (int) d;
      } catch (RuntimeException ex) {
        throw new JsonlException(
            file, number, field, "must be an integer, got " + abbreviate(e.toString()));
      }
    }

    public JsonlException error(String field, String message) {
      return new JsonlException(file, number, field, message);
    }
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  public static <T> List<T> read(Path file, Function<Line, T> parse) {
    List<T> out = new ArrayList<>();
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      long n = 0;
      String s;
      while ((s = readLine(in, file, n + 1)) != null) {
        n++;
        if (s.isBlank()) {
          continue;
        }
        JsonObject o;
        try {
          JsonElement e = JsonParser.parseString(s);
          if (!e.isJsonObject()) {
            throw new JsonlException(
                file, n, null, "each line must be a JSON object, got " + abbreviate(s));
          }
          o = e.getAsJsonObject();
        } catch (JsonParseException e) {
          throw new JsonlException(file, n, null, "malformed JSON: " + rootMessage(e));
        }
        out.add(parse.apply(new Line(file, n, o)));
      }
    } catch (CharacterCodingException e) {
      throw new JsonlException(file, 0, null, "not valid UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String readLine(BufferedReader in, Path file, long number) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    boolean any = false;
    while ((c = in.read()) >= 0) {
      any = true;
      if (c == '\n') {
        break;
      }
      if (sb.length() >= MAX_LINE_CHARS) {
        throw new JsonlException(
            file, number, null, "line longer than " + MAX_LINE_CHARS + " characters");
      }
      sb.append((char) c);
    }
    if (!any) {
      return null;
    }
    int len = sb.length();
    if (len > 0 && sb.charAt(len - 1) == '\r') {
      sb.setLength(len - 1);
    }
    return sb.toString();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Gives a finished file rw-r--r-- (a directory rwxr-xr-x) where the file system is POSIX. */
  public static void readableByAll(Path p) {
    try {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the defaults
    }
  }

  /** Writes objects (maps or records Gson can serialise) one per line, atomically. */
  public static void write(Path file, List<? extends Map<String, ?>> rows) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Map<String, ?> row : rows) {
          w.write(GSON.toJson(row));
          w.write('\n');
        }
      }
      readableByAll(tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the failure above is what the caller needs
        }
      }
    }
  }
}
