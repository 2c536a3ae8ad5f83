package org.ugda.gateway.dashboard;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /} (and {@code /dashboard}): the dashboard page, with its Content-Security-Policy. The
 * page names its assets and the API with relative paths, which resolve the same from both. Public:
 * the page holds no data, it fetches {@code /api/**} with the key the user gives it.
 */
// a page for browsers, not part of the API document
@io.swagger.v3.oas.annotations.Hidden
@RestController
class DashboardController {

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  private final Resource index = new ClassPathResource("org/ugda/gateway/dashboard/index.html");

  @GetMapping(path = {"/", "/dashboard"})
  ResponseEntity<Resource> index() {
    return ResponseEntity.ok()
        .contentType(HTML)
        .cacheControl(CacheControl.noCache())
        .header("Content-Security-Policy", DashboardConfiguration.CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .body(index);
  }
}
