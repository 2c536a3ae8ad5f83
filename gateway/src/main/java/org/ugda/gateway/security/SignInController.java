package org.ugda.gateway.security;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * Signing a browser in to the labelling page behind the gateway. A page the browser opens itself
 * cannot send {@code Authorization: Bearer}, so {@code GET /sign-in} shows a form for the key and
 * {@code POST /sign-in} checks it and sets it as a cookie ({@code HttpOnly}, {@code
 * SameSite=Strict}, {@code Secure} over HTTPS, 8 hours) whose path is the labelling page's only:
 * {@code /api/relabel/label}. {@link ApiKeyFilter} reads that cookie on those paths alone, and only
 * when no {@code Authorization} header is sent; every other path still needs the header. With
 * {@code SameSite=Strict}, another site's form cannot post a label with it.
 */
// a page for browsers, not part of the API document
@io.swagger.v3.oas.annotations.Hidden
@RestController
class SignInController {
  static final String COOKIE = "ugda_key";
  static final String PAGE = "/api/relabel/label";

  private final ApiKeyStore keys;

  SignInController(ApiKeyStore keys) {
    this.keys = keys;
  }

  /** Whether a request path is one the sign-in cookie stands for a key on. */
  static boolean cookieApplies(String path) {
    return path != null && (path.equals(PAGE) || path.startsWith(PAGE + "/"));
  }

  static Optional<String> cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie c : cookies) {
      if (c.getName().equals(COOKIE) && !c.getValue().isBlank() && c.getValue().length() <= 200) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  @GetMapping(path = "/sign-in", produces = MediaType.TEXT_HTML_VALUE)
  String form(@RequestParam(defaultValue = "") String labeller) {
    return page("", labeller);
  }

  @PostMapping(
      path = "/sign-in",
      consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
      produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> signIn(HttpServletRequest request) {
    // the container's own request: the gateway's FormFilter wraps a form request in one that
    // answers only the query string's parameters (it moves the form into a body for proxying)
    ServletRequest raw = request;
    while (raw instanceof ServletRequestWrapper w) {
      raw = w.getRequest();
    }
    String key = raw.getParameter("key") == null ? "" : raw.getParameter("key");
    String labeller = raw.getParameter("labeller") == null ? "" : raw.getParameter("labeller");
    Optional<ApiKey> found =
        key.isBlank() || key.length() > 200
            ? Optional.empty()
            : keys.findActiveByToken(key.strip());
    if (found.isEmpty()) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .contentType(MediaType.TEXT_HTML)
          .body(page("That key is unknown or revoked; ask an admin for a labeller key.", labeller));
    }
    ResponseCookie cookie =
        ResponseCookie.from(COOKIE, key.strip())
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Strict")
            .path(PAGE)
            .maxAge(8 * 3600)
            .build();
    String name = found.get().name();
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .header(HttpHeaders.SET_COOKIE, cookie.toString())
        .location(
            URI.create(
                PAGE
                    + "?labeller="
                    + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)))
        .build();
  }

  private static String page(String message, String labeller) {
    return """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>UGDA sign-in</title>
        <style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto}input{width:100%%}</style>
        </head><body><h1>Sign in to label</h1><p class="error">%s</p>
        <form method="post" action="/sign-in"><label>API key (labeller role)
        <input type="password" name="key" autocomplete="off" required></label>
        <input type="hidden" name="labeller" value="%s"><p><button type="submit">Sign in</button></p>
        </form></body></html>
        """
        .formatted(HtmlUtils.htmlEscape(message), HtmlUtils.htmlEscape(labeller));
  }
}
