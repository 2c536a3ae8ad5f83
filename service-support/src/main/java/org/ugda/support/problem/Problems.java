package org.ugda.support.problem;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The one shape of an error body in every UGDA service (RFC 9457): {@code type} {@code
 * about:blank}, a {@code title} fixed per status (the same words in every service), the {@code
 * status}, a {@code detail} that says what to fix, and the request path as {@code instance}.
 *
 * <p>A detail is cut to {@link #MAX_DETAIL_CHARS} characters, so an error never echoes input of any
 * size back to the caller.
 */
public final class Problems {

  /** The longest detail a body carries; the rest is cut and the cut counted. */
  public static final int MAX_DETAIL_CHARS = 1000;

  private static final Map<Integer, String> TITLES =
      Map.ofEntries(
          Map.entry(400, "Invalid request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not found"),
          Map.entry(405, "Method not allowed"),
          Map.entry(406, "Not acceptable"),
          Map.entry(409, "Conflict"),
          Map.entry(413, "Request too large"),
          Map.entry(415, "Unsupported media type"),
          Map.entry(429, "Too many requests"),
          Map.entry(500, "Internal error"),
          Map.entry(503, "Service unavailable"));

  private Problems() {}

  /** The title every service gives {@code status}. */
  public static String title(HttpStatusCode status) {
    String title = TITLES.get(status.value());
    if (title != null) {
      return title;
    }
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "Error " + status.value() : known.getReasonPhrase();
  }

  /** A problem body for {@code status} with {@code detail} at {@code path}. */
  public static ProblemDetail of(HttpStatusCode status, String detail, String path) {
    ProblemDetail problem = ProblemDetail.forStatus(status);
    problem.setDetail(detail);
    return normalise(problem, path);
  }

  /**
   * Gives a body built elsewhere (Spring MVC's own) the shared title, a bounded detail and the
   * path.
   */
  public static ProblemDetail normalise(ProblemDetail problem, String path) {
    problem.setTitle(title(HttpStatusCode.valueOf(problem.getStatus())));
    problem.setDetail(cut(problem.getDetail()));
    if (path != null) {
      problem.setInstance(URI.create(safePath(path)));
    }
    return problem;
  }

  /** {@code text} cut to {@link #MAX_DETAIL_CHARS}, saying how much was cut. */
  public static String cut(String text) {
    if (text == null || text.length() <= MAX_DETAIL_CHARS) {
      return text;
    }
    return text.substring(0, MAX_DETAIL_CHARS)
        + "... ("
        + (text.length() - MAX_DETAIL_CHARS)
        + " more characters cut)";
  }

  /** The request path as a relative URI reference (no query, at most 200 characters). */
  private static String safePath(String path) {
    String bounded = path.length() > 200 ? path.substring(0, 200) : path;
    StringBuilder out = new StringBuilder(bounded.length());
    for (char c : bounded.toCharArray()) {
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "/-._~%".indexOf(c) >= 0;
      out.append(plain ? String.valueOf(c) : "%" + String.format("%02X", (int) c & 0xFF));
    }
    return out.toString();
  }
}
