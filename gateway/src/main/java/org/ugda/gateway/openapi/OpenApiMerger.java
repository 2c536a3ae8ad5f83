package org.ugda.gateway.openapi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the gateway's own OpenAPI document and the services' into one, on the JSON tree:
 *
 * <ul>
 *   <li>every service path {@code /v1/...} becomes {@code /api/<route>/v1/...} (the gateway's route
 *       with {@code StripPrefix=2}); a path of the gateway's own document under a service's prefix
 *       is dropped (the routes themselves are not operations);
 *   <li>a service operation's tags become {@code <route>: <tag>} (or {@code <route>} where it had
 *       none) and its {@code operationId} {@code <route>_<id>}, so both stay unique;
 *   <li>a component (any section: schemas, responses, parameters, ...) whose name only one document
 *       defines keeps its name; one that several define identically (service-support's {@code
 *       ProblemDetail}) is kept once; any other collision is namespaced {@code <source>.<name>}
 *       ({@code reward.Job}, {@code policy.Job}) in every document that defines it, and every
 *       {@code $ref} (and discriminator mapping) of that document is rewritten to match. A shared
 *       definition that refers to a namespaced one is namespaced too;
 *   <li>{@code servers} is the gateway only ({@code /}, relative): the services' own servers, at
 *       their own ports, are dropped, at document, path and operation level;
 *   <li>a bearer scheme ({@code Authorization: Bearer <key>}) is declared and required globally;
 *   <li>{@code x-ugda-services} lists the services and {@code x-ugda-unavailable} those whose
 *       document could not be had, with why; the info description says the same in words.
 * </ul>
 */
public final class OpenApiMerger {

  private static final Logger log = LoggerFactory.getLogger(OpenApiMerger.class);

  /** The name of the bearer scheme in {@code components.securitySchemes}. */
  public static final String SECURITY_SCHEME = "bearerAuth";

  /** The gateway's own document, as a source. */
  public static final String GATEWAY = "gateway";

  private static final List<String> OPERATIONS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static final String COMPONENTS_REF = "#/components/";

  private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

  private OpenApiMerger() {}

  /** A component: its section ({@code schemas}) and name. */
  record Key(String section, String name) {}

  private record Source(String name, String prefix, JsonNode document) {
    boolean isService() {
      return !prefix.isEmpty();
    }
  }

  /**
   * The merged document.
   *
   * @param own the gateway's own document (springdoc's, of the gateway's controllers)
   * @param services each available service's document by route ({@code reward}), in order
   * @param unavailable each service without a document by route, with why
   */
  public static ObjectNode merge(
      JsonNode own, Map<String, JsonNode> services, Map<String, String> unavailable) {
    List<Source> sources = new ArrayList<>();
    sources.add(new Source(GATEWAY, "", own));
    services.forEach((route, doc) -> sources.add(new Source(route, "/api/" + route, doc)));

    Set<Key> namespaced = namespacedComponents(sources);

    ObjectNode out = nodes.objectNode();
    out.put("openapi", own.path("openapi").asString("3.1.0"));
    ObjectNode info = out.putObject("info");
    info.put("title", "UGDA platform API");
    info.put("version", own.path("info").path("version").asString("v1"));
    info.put("description", description(services.keySet(), unavailable));
    out.putArray("servers")
        .addObject()
        .put("url", "/")
        .put("description", "this gateway; each service's API is under /api/<service>");
    out.putArray("security").addObject().putArray(SECURITY_SCHEME);
    ArrayNode tags = out.putArray("tags");
    ObjectNode paths = out.putObject("paths");
    ObjectNode components = out.putObject("components");

    Set<String> servicePrefixes = new HashSet<>();
    for (String route : services.keySet()) {
      servicePrefixes.add("/api/" + route);
    }
    for (String route : unavailable.keySet()) {
      servicePrefixes.add("/api/" + route);
    }

    for (Source source : sources) {
      JsonNode doc = source.document().deepCopy();
      rewriteRefs(
          doc, key -> namespaced.contains(key) ? source.name() + "." + key.name() : key.name());
      Set<String> usedTags = new LinkedHashSet<>();
      for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
        String merged = source.prefix() + path.getKey();
        if (!source.isService() && underAny(merged, servicePrefixes)) {
          continue;
        }
        if (paths.has(merged)) {
          log.warn("{} defines {} again; the first definition is kept", source.name(), merged);
          continue;
        }
        if (path.getValue() instanceof ObjectNode item) {
          item.remove("servers");
          if (source.isService()) {
            for (String method : OPERATIONS) {
              if (item.get(method) instanceof ObjectNode operation) {
                retagService(source.name(), operation, usedTags);
              }
            }
          } else {
            for (String method : OPERATIONS) {
              if (item.get(method) instanceof ObjectNode operation) {
                operation.remove("servers");
              }
            }
          }
        }
        paths.set(merged, path.getValue());
      }
      mergeTags(source, doc.path("tags"), usedTags, tags);
      for (Map.Entry<String, JsonNode> section : doc.path("components").properties()) {
        if (!section.getValue().isObject()) {
          continue;
        }
        ObjectNode target =
            components.get(section.getKey()) instanceof ObjectNode existing
                ? existing
                : components.putObject(section.getKey());
        for (Map.Entry<String, JsonNode> component : section.getValue().properties()) {
          Key key = new Key(section.getKey(), component.getKey());
          String name = namespaced.contains(key) ? source.name() + "." + key.name() : key.name();
          if (!target.has(name)) {
            target.set(name, component.getValue());
          }
        }
      }
    }

    ObjectNode schemes =
        components.get("securitySchemes") instanceof ObjectNode existing
            ? existing
            : components.putObject("securitySchemes");
    schemes
        .putObject(SECURITY_SCHEME)
        .put("type", "http")
        .put("scheme", "bearer")
        .put(
            "description",
            "A gateway API key, sent as Authorization: Bearer <key>. The OpenAPI document, the"
                + " Swagger UI and the health endpoints need none.");

    ArrayNode listed = out.putArray("x-ugda-services");
    for (String route : services.keySet()) {
      listed.addObject().put("name", route).put("prefix", "/api/" + route).put("available", true);
    }
    ArrayNode missing = out.putArray("x-ugda-unavailable");
    unavailable.forEach(
        (route, why) -> {
          listed
              .addObject()
              .put("name", route)
              .put("prefix", "/api/" + route)
              .put("available", false);
          missing
              .addObject()
              .put("service", route)
              .put("prefix", "/api/" + route)
              .put("reason", why);
        });
    return out;
  }

  private static String description(Iterable<String> available, Map<String, String> unavailable) {
    StringBuilder text =
        new StringBuilder(
            "The whole platform in one document: the gateway's own API and each service's,"
                + " under /api/<service> (");
    text.append(String.join(", ", available)).append(").");
    if (!unavailable.isEmpty()) {
      text.append(" Unavailable right now, so missing here:");
      unavailable.forEach(
          (route, why) -> text.append(' ').append(route).append(" (").append(why).append(')'));
      text.append('.');
    }
    text.append(" Every call needs Authorization: Bearer <key>.");
    return text.toString();
  }

  private static boolean underAny(String path, Set<String> prefixes) {
    for (String prefix : prefixes) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void retagService(String route, ObjectNode operation, Set<String> usedTags) {
    operation.remove("servers");
    ArrayNode tags = nodes.arrayNode();
    if (operation.path("tags").isArray() && !operation.path("tags").isEmpty()) {
      for (JsonNode tag : operation.path("tags")) {
        tags.add(route + ": " + tag.asString());
      }
    } else {
      tags.add(route);
    }
    tags.forEach(tag -> usedTags.add(tag.asString()));
    operation.set("tags", tags);
    if (operation.path("operationId").isString()) {
      operation.put("operationId", route + "_" + operation.path("operationId").asString());
    }
  }

  private static void mergeTags(Source source, JsonNode declared, Set<String> used, ArrayNode out) {
    Set<String> present = new HashSet<>();
    out.forEach(tag -> present.add(tag.path("name").asString()));
    String where = source.name() + "-service, under " + source.prefix();
    for (JsonNode tag : declared) {
      if (!(tag instanceof ObjectNode object) || !tag.path("name").isString()) {
        continue;
      }
      ObjectNode copy = object.deepCopy();
      if (source.isService()) {
        copy.put("name", source.name() + ": " + tag.path("name").asString());
        String description = tag.path("description").asString("");
        copy.put("description", description.isEmpty() ? where : description + " (" + where + ")");
      }
      if (present.add(copy.path("name").asString())) {
        out.add(copy);
      }
    }
    if (source.isService()) {
      for (String tag : used) {
        if (present.add(tag)) {
          out.addObject().put("name", tag).put("description", where);
        }
      }
    }
  }

  /**
   * The components to namespace: those several documents define, unless every definition is the
   * same and refers to no namespaced component.
   */
  static Set<Key> namespacedComponents(List<Source> sources) {
    Map<Key, List<JsonNode>> definitions = new LinkedHashMap<>();
    for (Source source : sources) {
      for (Map.Entry<String, JsonNode> section :
          source.document().path("components").properties()) {
        for (Map.Entry<String, JsonNode> component : section.getValue().properties()) {
          definitions
              .computeIfAbsent(
                  new Key(section.getKey(), component.getKey()), k -> new ArrayList<>())
              .add(component.getValue());
        }
      }
    }
    Set<Key> namespaced = new LinkedHashSet<>();
    Map<Key, JsonNode> shared = new LinkedHashMap<>();
    definitions.forEach(
        (key, defs) -> {
          if (defs.size() < 2) {
            return;
          }
          if (defs.stream().allMatch(defs.get(0)::equals)) {
            shared.put(key, defs.get(0));
          } else {
            namespaced.add(key);
          }
        });
    boolean changed = true;
    while (changed) {
      changed = false;
      for (var it = shared.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Key, JsonNode> entry = it.next();
        if (refs(entry.getValue()).stream().anyMatch(namespaced::contains)) {
          namespaced.add(entry.getKey());
          it.remove();
          changed = true;
        }
      }
    }
    return namespaced;
  }

  /** The local components {@code node} refers to. */
  static Set<Key> refs(JsonNode node) {
    Set<Key> found = new LinkedHashSet<>();
    walk(
        node,
        ref -> {
          Key key = parse(ref);
          if (key != null) {
            found.add(key);
          }
          return ref;
        });
    return found;
  }

  /** Rewrites every local component reference in {@code node} to the name {@code rename} gives. */
  static void rewriteRefs(JsonNode node, Function<Key, String> rename) {
    walk(
        node,
        ref -> {
          Key key = parse(ref);
          return key == null
              ? ref
              : COMPONENTS_REF + key.section() + "/" + encode(rename.apply(key));
        });
  }

  /** Calls {@code ref} on every {@code $ref} and discriminator mapping, storing what it returns. */
  private static void walk(JsonNode node, Function<String, String> ref) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>(object.propertyNames());
      for (String name : names) {
        JsonNode value = object.get(name);
        if (name.equals("$ref") && value.isString()) {
          object.put(name, ref.apply(value.asString()));
        } else if (name.equals("discriminator") && value.path("mapping") instanceof ObjectNode m) {
          for (String alias : new ArrayList<>(m.propertyNames())) {
            if (m.get(alias).isString()) {
              m.put(alias, ref.apply(m.get(alias).asString()));
            }
          }
          walk(value, ref);
        } else {
          walk(value, ref);
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(element -> walk(element, ref));
    }
  }

  private static Key parse(String ref) {
    if (!ref.startsWith(COMPONENTS_REF)) {
      return null;
    }
    String rest = ref.substring(COMPONENTS_REF.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    return new Key(rest.substring(0, slash), decode(rest.substring(slash + 1)));
  }

  private static String decode(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  private static String encode(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
