package org.ugda.reward.ensemble;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON text columns (requests, metrics, job detail and results) to and from objects. */
public final class Json {
  private Json() {}

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  public static String write(Object o) {
    return MAPPER.writeValueAsString(o);
  }

  public static Map<String, Object> map(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    Map<String, Object> m =
        MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    return m == null ? Map.of() : m;
  }

  public static <T> T read(String json, Class<T> type) {
    return MAPPER.readValue(json, type);
  }
}
