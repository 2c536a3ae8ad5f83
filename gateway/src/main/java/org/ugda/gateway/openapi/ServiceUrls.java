package org.ugda.gateway.openapi;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Base URLs of the services behind the gateway ({@code ugda.services.<route>-url}, the same keys
 * the routes in {@code gateway.yml} use), read by the merged OpenAPI document and the services'
 * health. A service whose URL is unset is left out of both.
 */
@ConfigurationProperties("ugda.services")
public record ServiceUrls(URI rewardUrl, URI policyUrl, URI selectionUrl, URI relabelUrl) {

  public ServiceUrls {
    check("reward", rewardUrl);
    check("policy", policyUrl);
    check("selection", selectionUrl);
    check("relabel", relabelUrl);
  }

  private static void check(String route, URI url) {
    if (url != null && (!url.isAbsolute() || url.getHost() == null)) {
      throw new IllegalArgumentException(
          "ugda.services."
              + route
              + "-url must be an absolute URL such as http://"
              + route
              + "-service:8081, got "
              + url);
    }
  }

  /** Each configured service's base URL by its route ({@code reward} of {@code /api/reward}). */
  public Map<String, URI> byRoute() {
    Map<String, URI> urls = new LinkedHashMap<>();
    put(urls, "reward", rewardUrl);
    put(urls, "policy", policyUrl);
    put(urls, "selection", selectionUrl);
    put(urls, "relabel", relabelUrl);
    return urls;
  }

  private static void put(Map<String, URI> urls, String route, URI url) {
    if (url != null) {
      urls.put(route, url);
    }
  }

  /**
   * {@code path} (starting with {@code /}) on the service at {@code base}, which may have a path.
   */
  public static URI resolve(URI base, String path) {
    String text = base.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text + path);
  }
}
