package org.ugda.gateway.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.ugda.support.problem.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes service-support's problem+json from a servlet filter, which runs before Spring MVC and so
 * before {@code ProblemAdvice}: the body is {@link Problems#of}, the very shape the advice answers
 * with (title per status, bounded detail, the path as instance), written with the same fields.
 */
final class ProblemResponses {

  private ProblemResponses() {}

  static void write(
      JsonMapper json,
      HttpServletResponse response,
      HttpStatusCode status,
      String detail,
      String path,
      Map<String, String> headers)
      throws IOException {
    ProblemDetail problem = Problems.of(status, detail, path);
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    if (problem.getType() != null && !"about:blank".equals(problem.getType().toString())) {
      body.put("type", problem.getType().toString());
    }
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    body.put("instance", problem.getInstance() == null ? null : problem.getInstance().toString());
    response.resetBuffer();
    response.setStatus(status.value());
    headers.forEach(response::setHeader);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.getOutputStream().write(json.writeValueAsBytes(body));
    response.flushBuffer();
  }
}
