package org.ugda.reward.ensemble;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON text columns of the reward tables to and from objects: a job's request, live detail and
 * result, a version's metrics. Only the service reads them back; they are not a contract.
 */
public final class JsonColumns {
  private JsonColumns() {}

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
