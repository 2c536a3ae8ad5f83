package org.ugda.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Checks rendered Kubernetes manifests (multi-document YAML) against fabric8's typed model: each
 * document is deserialised into the model class of its apiVersion/kind, and every field that the
 * class does not declare is reported with its JSON path. fabric8's classes keep such fields in an
 * {@code additionalProperties} map ({@code @JsonAnySetter}) instead of refusing them, so the check
 * walks the deserialised object graph and reports every non-empty one. A document of a kind the
 * model does not know (deserialised as {@link GenericKubernetesResource}) and a document that does
 * not deserialise (a string where a number belongs, say) are problems too.
 *
 * <p>Usage: {@code ManifestCheck FILE...}; prints one line per problem and a summary, exits 1 on
 * any problem or when no object was read.
 */
public final class ManifestCheck {

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private ManifestCheck() {}

  /** The outcome of checking some documents: how many objects were read and what was wrong. */
  public record Result(int objects, List<String> problems) {
    public boolean ok() {
      return objects > 0 && problems.isEmpty();
    }
  }

  public static Result check(Path file) throws IOException {
    return check(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Checks every document of {@code yaml}; {@code source} names it in the problems. */
  public static Result check(String source, String yaml) {
    List<String> problems = new ArrayList<>();
    int objects = 0;
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) docs.add(doc);
      }
    } catch (JacksonException e) {
      problems.add("INVALID " + source + ": not YAML: " + firstLine(e.getOriginalMessage()));
      return new Result(objects, problems);
    }
    for (JsonNode doc : docs) {
      objects++;
      String name = source + ": " + text(doc, "kind") + "/" + text(doc.path("metadata"), "name");
      if (!doc.isObject() || !doc.hasNonNull("apiVersion") || !doc.hasNonNull("kind")) {
        problems.add("INVALID " + name + ": not an object with apiVersion and kind");
        continue;
      }
      KubernetesResource typed;
      try {
        typed = MAPPER.treeToValue(doc, KubernetesResource.class);
      } catch (JacksonException e) {
        problems.add("INVALID " + name + ": " + firstLine(e.getOriginalMessage()) + pathOf(e));
        continue;
      }
      if (typed instanceof GenericKubernetesResource || !(typed instanceof HasMetadata)) {
        problems.add(
            "INVALID "
                + name
                + ": fabric8's model has no class for apiVersion "
                + text(doc, "apiVersion")
                + " kind "
                + text(doc, "kind"));
        continue;
      }
      List<String> unknown = new ArrayList<>();
      walk(typed, "", unknown);
      for (String path : unknown) problems.add("UNKNOWN " + name + ": " + path);
    }
    return new Result(objects, problems);
  }

  /** Collects the JSON path of every field that landed in an additionalProperties map. */
  static void walk(Object value, String path, List<String> unknown) {
    if (value == null) return;
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) walk(list.get(i), path + "[" + i + "]", unknown);
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) walk(e.getValue(), join(path, e.getKey()), unknown);
      return;
    }
    Class<?> type = value.getClass();
    if (!type.getName().startsWith("io.fabric8.")) return;
    Map<?, ?> extra = additionalProperties(value);
    if (extra != null) for (Object key : extra.keySet()) unknown.add(join(path, key));
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        if (property == null || Modifier.isStatic(field.getModifiers())) continue;
        String json = property.value().isEmpty() ? field.getName() : property.value();
        try {
          field.setAccessible(true);
          walk(field.get(value), join(path, json), unknown);
        } catch (ReflectiveOperationException | RuntimeException e) {
          unknown.add(join(path, json) + " (not inspectable: " + e + ")");
        }
      }
    }
  }

  private static Map<?, ?> additionalProperties(Object bean) {
    try {
      Method getter = bean.getClass().getMethod("getAdditionalProperties");
      return getter.invoke(bean) instanceof Map<?, ?> map ? map : null;
    } catch (NoSuchMethodException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String join(String path, Object key) {
    return path.isEmpty() ? String.valueOf(key) : path + "." + key;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() ? v.asString() : "?";
  }

  private static String pathOf(JacksonException e) {
    String p = e.getPathReference();
    return p == null || p.isEmpty() ? "" : " (at " + p + ")";
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  public static void main(String[] args) throws IOException {
    int objects = 0;
    int problems = 0;
    for (String arg : args) {
      Result r = check(Path.of(arg));
      objects += r.objects();
      problems += r.problems().size();
      r.problems().forEach(System.out::println);
    }
    System.out.println("fabric8 model: checked " + objects + " objects, " + problems + " problems");
    System.exit(objects > 0 && problems == 0 ? 0 : 1);
  }
}
