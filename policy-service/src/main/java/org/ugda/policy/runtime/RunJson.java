package org.ugda.policy.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Small JSON files beside a policy state. */
final class RunJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RunJson() {}

  static String write(Map<String, ?> m) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m);
  }

  static Map<String, Object> read(Path p) {
    try {
      return JSON.readValue(Files.readString(p), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
