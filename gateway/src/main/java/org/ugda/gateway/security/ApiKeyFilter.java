package org.ugda.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;
import org.ugda.support.problem.TooLargeException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's API keys at work: for each request, {@link AccessRules} says what it needs; a
 * request that needs a role must carry {@code Authorization: Bearer <token>} of a working key (else
 * 401 with {@code WWW-Authenticate: Bearer}), within the key's rate (else 429 with {@code
 * Retry-After}), of a role high enough (else 403 naming the role needed), and, on the labelling
 * paths, naming the key as the labeller (else 403), so that every human label records the key that
 * gave it. Every refusal is service-support's problem+json; no token is ever logged or put in a
 * body.
 *
 * <p>The key is looked up in {@code gateway.api_key} on every request, so a revoke or a rotation
 * holds from the next request on. Runs after the request-size filter, so a labelling body it reads
 * is bounded by {@code ugda.http.max-request-size}.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

  /** The request attribute that holds the {@link ApiKey} a request was let in with. */
  static final String KEY_ATTRIBUTE = ApiKeyFilter.class.getName() + ".key";

  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

  private static final int MAX_TOKEN_CHARS = 200;

  private final AccessRules rules;
  private final ApiKeyStore keys;
  private final RateLimiter limiter;
  private final int defaultPerMinute;
  private final JsonMapper json;
  private final JsonMapper strict;

  ApiKeyFilter(
      AccessRules rules,
      ApiKeyStore keys,
      RateLimiter limiter,
      int defaultPerMinute,
      JsonMapper json) {
    this.rules = rules;
    this.keys = keys;
    this.limiter = limiter;
    this.defaultPerMinute = defaultPerMinute;
    this.json = json;
    this.strict = json.rebuild().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String raw = request.getRequestURI();
    String path;
    try {
      path = UriUtils.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      path = null;
    }
    if (path == null || !canonical(path)) {
      refuse(
          response,
          HttpStatus.BAD_REQUEST,
          "the request path is not in canonical form (no //, . or .. segments, ; or encoded"
              + " separators); send the plain path",
          "/",
          Map.of());
      return;
    }
    AccessRules.Need need = rules.need(request.getMethod(), path);
    if (need.isPublic()) {
      chain.doFilter(request, response);
      return;
    }
    Optional<String> token = bearer(request);
    if (token.isEmpty()) {
      unauthorized(
          response,
          path,
          "this request needs an API key: send Authorization: Bearer <token> (an admin issues"
              + " keys at /api/keys)");
      return;
    }
    Optional<ApiKey> found = keys.findActiveByToken(token.get());
    if (found.isEmpty()) {
      log.info("refused {} {}: unknown or revoked API key", request.getMethod(), path);
      unauthorized(response, path, "the API key is unknown or revoked; ask an admin for a key");
      return;
    }
    ApiKey key = found.get();
    int limit = key.ratePerMinute() == null ? defaultPerMinute : key.ratePerMinute();
    long wait = limiter.acquire(key.id(), limit);
    if (wait > 0) {
      refuse(
          response,
          HttpStatus.TOO_MANY_REQUESTS,
          "key '"
              + key.name()
              + "' may send "
              + limit
              + " requests per minute; try again in "
              + wait
              + " s",
          path,
          Map.of(HttpHeaders.RETRY_AFTER, Long.toString(wait)));
      return;
    }
    Role role = key.roleValue();
    if (!need.allows(role)) {
      refuse(
          response,
          HttpStatus.FORBIDDEN,
          request.getMethod()
              + " "
              + path
              + " needs role "
              + need.role().wire()
              + (need.refusesLabellers() ? " (not labeller)" : "")
              + " or higher; key '"
              + key.name()
              + "' has role "
              + role.wire(),
          path,
          Map.of());
      return;
    }
    HttpServletRequest forwarded = request;
    switch (need.labeller()) {
      case NONE -> {}
      case PARAMETER -> {
        String[] named = request.getParameterValues("labeller");
        if (named != null) {
          for (String labeller : named) {
            if (!key.name().equals(labeller)) {
              forbiddenLabeller(response, path, key);
              return;
            }
          }
        }
      }
      case JSON_BODY -> {
        byte[] body;
        try {
          body = request.getInputStream().readAllBytes();
        } catch (TooLargeException e) {
          refuse(response, HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), path, Map.of());
          return;
        }
        String labeller;
        try {
          JsonNode node = strict.readTree(body);
          JsonNode field = node == null ? null : node.get("labeller");
          labeller = field != null && field.isString() ? field.asString() : null;
        } catch (JacksonException e) {
          refuse(
              response,
              HttpStatus.BAD_REQUEST,
              "the request body is not valid JSON for this endpoint (a field given twice counts"
                  + " as invalid); see /v3/api-docs for its schema",
              path,
              Map.of());
          return;
        }
        if (!key.name().equals(labeller)) {
          forbiddenLabeller(response, path, key);
          return;
        }
        forwarded = new Replayed(request, body);
      }
    }
    forwarded.setAttribute(KEY_ATTRIBUTE, key);
    chain.doFilter(forwarded, response);
  }

  /** No {@code //}, {@code .} or {@code ..} segment, {@code ;} or backslash, no second encoding. */
  static boolean canonical(String path) {
    return path.startsWith("/")
        && !path.contains("//")
        && !path.contains("/./")
        && !path.contains("/../")
        && !path.endsWith("/.")
        && !path.endsWith("/..")
        && path.indexOf(';') < 0
        && path.indexOf('\\') < 0
        && path.indexOf('%') < 0
        && path.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static Optional<String> bearer(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null && SignInController.cookieApplies(request.getRequestURI())) {
      // a browser on the labelling page: the key from the sign-in page's cookie
      return SignInController.cookie(request);
    }
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).strip();
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  private void forbiddenLabeller(HttpServletResponse response, String path, ApiKey key)
      throws IOException {
    refuse(
        response,
        HttpStatus.FORBIDDEN,
        "a key labels, claims and reads claims only under its own name: labeller must be '"
            + key.name()
            + "' for this key",
        path,
        Map.of());
  }

  private void unauthorized(HttpServletResponse response, String path, String detail)
      throws IOException {
    refuse(
        response,
        HttpStatus.UNAUTHORIZED,
        detail,
        path,
        Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ugda\""));
  }

  private void refuse(
      HttpServletResponse response,
      HttpStatus status,
      String detail,
      String path,
      Map<String, String> headers)
      throws IOException {
    ProblemResponses.write(json, response, status, detail, path, headers);
  }

  /** The request with its body read once here and handed on unchanged. */
  private static final class Replayed extends HttpServletRequestWrapper {
    private final byte[] body;

    Replayed(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body was read ahead; read it blocking");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(
          new InputStreamReader(
              new ByteArrayInputStream(body),
              getCharacterEncoding() == null
                  ? StandardCharsets.UTF_8
                  : java.nio.charset.Charset.forName(getCharacterEncoding())));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
