package org.ugda.relabel.judge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The LLM provider's API key, read from a mounted Secret file or an environment variable and never
 * shown: {@link #toString()} hides it and {@link #redact(String)} removes it (and anything shaped
 * like an OpenAI key) from text that may reach a log, a job error or a response.
 */
public final class ApiKey {

  private static final Pattern KEY_SHAPED = Pattern.compile("sk-[A-Za-z0-9_\\-*]{6,}");

  private final String value;
  private final String source;

  private ApiKey(String value, String source) {
    this.value = value;
    this.source = source;
  }

  /**
   * Reads the key: from {@code file} when it is set (its content, trimmed), otherwise from the
   * environment variable {@code envName}. A configured file that cannot be read is an error; no key
   * at all is not (the {@code openai} experts are then unavailable).
   */
  static ApiKey resolve(Path file, String envName, UnaryOperator<String> environment) {
    if (file != null) {
      try {
        String content = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (content.isEmpty()) {
          throw new IllegalStateException(
              "the API key file " + file + " (ugda.relabel.judge.api-key-file)" + " is empty");
        }
        return new ApiKey(content, "file " + file);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the API key file "
                + file
                + " (ugda.relabel.judge.api-key-file); mount the Secret there or unset the property",
            e);
      }
    }
    String fromEnvironment =
        envName == null || envName.isBlank() ? null : environment.apply(envName);
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      return new ApiKey(null, "none (set " + envName + " or ugda.relabel.judge.api-key-file)");
    }
    return new ApiKey(fromEnvironment.strip(), "environment variable " + envName);
  }

  /** Whether a key was found. */
  public boolean present() {
    return value != null;
  }

  /** Where the key came from, without the key: safe to log. */
  public String source() {
    return source;
  }

  /** The key itself, for the HTTP client only. */
  Optional<String> value() {
    return Optional.ofNullable(value);
  }

  /** Removes the key and anything key-shaped from {@code text}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String redacted = value == null ? text : text.replace(value, "[redacted]");
    return KEY_SHAPED.matcher(redacted).replaceAll("[redacted]");
  }

  @Override
  public String toString() {
    return "ApiKey[" + (value == null ? "absent" : "***") + "]";
  }
}
