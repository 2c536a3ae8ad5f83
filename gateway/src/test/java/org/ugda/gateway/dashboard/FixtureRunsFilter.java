package org.ugda.gateway.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A page-rendering fixture, test code only: answers {@code GET /api/runs} and {@code GET
 * /api/runs/{id}} with {@link DashboardFixtures}' runs, in the runs API's JSON shape, so that the
 * dashboard can be drawn before (and independently of) the real runs API and its database.
 *
 * <p>A filter ahead of everything, not a controller: the real runs controller can land next to it
 * without an ambiguous mapping, and the API-key filter cannot refuse the fixture key first. It
 * checks the key itself ({@code Authorization: Bearer} {@value DashboardFixtures#KEY}, else 401
 * problem+json), which is how the tests see the page's handling of a refused key.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class FixtureRunsFilter extends OncePerRequestFilter {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !request.getMethod().equals("GET")
        || !(path.equals("/api/runs") || path.startsWith("/api/runs/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!("Bearer " + DashboardFixtures.KEY).equals(request.getHeader("Authorization"))) {
      write(
          response,
          401,
          "application/problem+json",
          Map.of("title", "Unauthorized", "status", 401, "detail", "a valid API key is required"));
      return;
    }
    String path = request.getRequestURI();
    if (path.equals("/api/runs")) {
      write(response, 200, "application/json", DashboardFixtures.runs());
      return;
    }
    Object run = DashboardFixtures.run(path.substring("/api/runs/".length()));
    if (run == null) {
      write(
          response,
          404,
          "application/problem+json",
          Map.of("title", "Not found", "status", 404, "detail", "no such run"));
      return;
    }
    write(response, 200, "application/json", run);
  }

  private static void write(HttpServletResponse response, int status, String type, Object body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(type);
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
