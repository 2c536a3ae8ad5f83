package org.ugda.gateway.openapi;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springdoc.webmvc.api.OpenApiWebMvcResource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v3/api-docs}: the one OpenAPI document of the platform ({@link OpenApiMerger}), made
 * of springdoc's document of the gateway's own controllers (served on its own at {@code
 * springdoc.api-docs.path}, {@code /v3/api-docs/gateway}) and each service's {@code /v3/api-docs}
 * ({@link ServiceApiDocs}). Public, like the Swagger UI that shows it.
 */
@Hidden
@RestController
class MergedApiDocsController {

  /** Where the merged document is served (and where the Swagger UI reads it). */
  static final String PATH = "/v3/api-docs";

  private final OpenApiWebMvcResource ownDocument;
  private final ServiceApiDocs services;
  private final ServiceUrls urls;
  private final JsonMapper json;
  private final String ownPath;

  MergedApiDocsController(
      OpenApiWebMvcResource ownDocument,
      ServiceApiDocs services,
      ServiceUrls urls,
      JsonMapper json,
      @Value("${springdoc.api-docs.path:/v3/api-docs}") String ownPath) {
    this.ownDocument = ownDocument;
    this.services = services;
    this.urls = urls;
    this.json = json;
    this.ownPath = ownPath;
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  String mergedDocument(HttpServletRequest request, Locale locale) throws Exception {
    JsonNode own = json.readTree(ownDocument.openapiJson(request, ownPath, locale));
    Map<String, JsonNode> available = new LinkedHashMap<>();
    Map<String, String> unavailable = new LinkedHashMap<>();
    services
        .all(urls.byRoute().keySet())
        .forEach(
            (route, fetched) -> {
              if (fetched.available()) {
                available.put(route, fetched.document());
              } else {
                unavailable.put(route, fetched.problem());
              }
            });
    return json.writeValueAsString(OpenApiMerger.merge(own, available, unavailable));
  }
}
