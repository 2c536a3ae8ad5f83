package org.ugda.gateway.security;

import java.util.List;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which role each request needs: the one table of the gateway's access rules, read top to bottom,
 * the first matching rule wins. Paths are the gateway's own ({@code /api/<service>/...} before the
 * prefix is stripped).
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>method</th><th>path</th><th>needs</th></tr>
 *   <tr><td>GET, HEAD</td><td>{@code /actuator/health/**}</td><td>nothing</td></tr>
 *   <tr><td>GET, HEAD</td><td>{@code /actuator/prometheus}</td><td>reader, or nothing with
 *       {@code ugda.gateway.public-prometheus: true}</td></tr>
 *   <tr><td>any</td><td>{@code /actuator/**}</td><td>reader</td></tr>
 *   <tr><td>any</td><td>{@code /api/keys}, {@code /api/keys/**}</td><td>admin</td></tr>
 *   <tr><td>POST</td><td>{@code /api/relabel/v1/relabel/tasks/claim}</td><td>labeller, body
 *       {@code labeller} = the key's name</td></tr>
 *   <tr><td>POST</td><td>{@code /api/relabel/v1/relabel/tasks/{id}/labels}</td><td>labeller,
 *       body {@code labeller} = the key's name</td></tr>
 *   <tr><td>GET, HEAD</td><td>{@code /api/relabel/label}</td><td>labeller, query {@code
 *       labeller} (if given) = the key's name</td></tr>
 *   <tr><td>POST</td><td>{@code /api/relabel/label} (a score, or {@code claim=next})</td>
 *       <td>labeller, form field {@code labeller} = the key's name</td></tr>
 *   <tr><td>POST</td><td>{@code /api/reward/v1/ensembles/{id}/score}</td><td>reader (not a
 *       labeller: its key claims and labels)</td></tr>
 *   <tr><td>POST</td><td>{@code /api/reward/get_reward[/{ensemble}]} (OpenRLHF)</td><td>reader
 *       (not a labeller)</td></tr>
 *   <tr><td>GET, HEAD</td><td>{@code /api/**}</td><td>reader</td></tr>
 *   <tr><td>any other</td><td>{@code /api}, {@code /api/**}</td><td>operator</td></tr>
 *   <tr><td>any</td><td>anything else ({@code /}, {@code /dashboard/**}, {@code /v3/api-docs/**},
 *       {@code /swagger-ui/**}, {@code /swagger-ui.html}, unknown paths)</td><td>nothing</td></tr>
 * </table>
 *
 * <p>The last row is public because the gateway serves nothing but documentation and the
 * dashboard's static files outside {@code /api} and {@code /actuator}: every route to a service and
 * every API of the gateway itself (keys, runs) lives under {@code /api}.
 */
final class AccessRules {

  /** Where a labelling request names its labeller, which must be the key's name. */
  enum Labeller {
    /** Not a labelling request. */
    NONE,
    /** The JSON body's field {@code labeller}. */
    JSON_BODY,
    /** The form or query parameter {@code labeller} (every value of it). */
    PARAMETER
  }

  /**
   * What a request needs.
   *
   * @param role the least role, or null when no key is needed
   * @param labeller where the labeller's name is to be checked
   */
  record Need(Role role, Labeller labeller, boolean refusesLabellers) {
    static final Need PUBLIC = new Need(null, Labeller.NONE);

    Need(Role role, Labeller labeller) {
      this(role, labeller, false);
    }

    /** Whether a key of {@code role} may make the request. */
    boolean allows(Role have) {
      return have.atLeast(role) && !(refusesLabellers && have == Role.LABELLER);
    }

    boolean isPublic() {
      return role == null;
    }
  }

  private record Rule(Set<String> methods, PathPattern pattern, Need need) {
    boolean matches(String method, PathContainer path) {
      return (methods.isEmpty() || methods.contains(method)) && pattern.matches(path);
    }
  }

  private static final Set<String> ANY = Set.of();
  private static final Set<String> READ = Set.of("GET", "HEAD");
  private static final Set<String> POST = Set.of("POST");

  private final List<Rule> rules;

  AccessRules(boolean publicPrometheus) {
    Need reader = new Need(Role.READER, Labeller.NONE);
    Need labellerJson = new Need(Role.LABELLER, Labeller.JSON_BODY);
    Need labellerParameter = new Need(Role.LABELLER, Labeller.PARAMETER);
    this.rules =
        List.of(
            rule(READ, "/actuator/health/**", Need.PUBLIC),
            rule(READ, "/actuator/prometheus", publicPrometheus ? Need.PUBLIC : reader),
            rule(ANY, "/actuator/**", reader),
            rule(ANY, "/api/keys/**", new Need(Role.ADMIN, Labeller.NONE)),
            rule(POST, "/api/relabel/v1/relabel/tasks/claim", labellerJson),
            rule(POST, "/api/relabel/v1/relabel/tasks/{taskId}/labels", labellerJson),
            rule(READ, "/api/relabel/label", labellerParameter),
            rule(POST, "/api/relabel/label", labellerParameter),
            // a labeller claims and labels; scoring is a reader's (and an operator's) business
            rule(
                POST,
                "/api/reward/v1/ensembles/{id}/score",
                new Need(Role.READER, Labeller.NONE, true)),
            // OpenRLHF's remote reward protocol: scoring, as above
            rule(POST, "/api/reward/get_reward", new Need(Role.READER, Labeller.NONE, true)),
            rule(
                POST,
                "/api/reward/get_reward/{ensemble}",
                new Need(Role.READER, Labeller.NONE, true)),
            rule(READ, "/api/**", reader),
            rule(ANY, "/api/**", new Need(Role.OPERATOR, Labeller.NONE)));
  }

  /** What {@code method} on {@code path} (decoded, normalised) needs. */
  Need need(String method, String path) {
    PathContainer container = PathContainer.parsePath(path);
    for (Rule rule : rules) {
      if (rule.matches(method, container)) {
        return rule.need();
      }
    }
    return Need.PUBLIC;
  }

  private static Rule rule(Set<String> methods, String pattern, Need need) {
    return new Rule(methods, PathPatternParser.defaultInstance.parse(pattern), need);
  }
}
