package org.ugda.gateway.forwarding;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.cloud.gateway.server.mvc.filter.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Tells a service where its client really is: {@code X-Forwarded-Host}, {@code -Proto}, {@code
 * -Port}, {@code -For} as the gateway was reached, and {@code X-Forwarded-Prefix} the route prefix
 * the gateway stripped ({@code /api/relabel} of {@code /api/relabel/v1/...}). A service's {@code
 * Location} headers (service-support's {@code Locations}) then point at the gateway, not at the
 * service.
 *
 * <p>The client's API key ({@code Authorization}, or the sign-in cookie) stops here: the gateway
 * checked it, and the services behind it neither need nor log it.
 *
 * <p>The values are the gateway's own, never a client's: the gateway removes what a client sends
 * under these names ({@code ugda.http.forwarded-headers: remove}), and this filter, running last,
 * drops any that are left and sets every one anew.
 */
@Component
class GatewayForwardedHeaders implements HttpHeadersFilter.RequestHttpHeadersFilter, Ordered {

  @Override
  public HttpHeaders apply(HttpHeaders input, ServerRequest request) {
    HttpServletRequest client = request.servletRequest();
    HttpHeaders out = new HttpHeaders();
    input.forEach(
        (name, values) -> {
          if (!name.regionMatches(true, 0, "X-Forwarded-", 0, 12)
              && !name.equalsIgnoreCase("Forwarded")
              && !name.equalsIgnoreCase(HttpHeaders.AUTHORIZATION)
              && !name.equalsIgnoreCase(HttpHeaders.COOKIE)) {
            out.addAll(name, values);
          }
        });
    String host = client.getHeader(HttpHeaders.HOST);
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
    out.set("X-Forwarded-Proto", client.getScheme());
    out.set("X-Forwarded-Port", Integer.toString(client.getServerPort()));
    out.set("X-Forwarded-For", client.getRemoteAddr());
    String prefix = strippedPrefix(client.getRequestURI(), request.uri().getRawPath());
    if (!prefix.isEmpty()) {
      out.set("X-Forwarded-Prefix", prefix);
    }
    return out;
  }

  /**
   * What the route took off the front of the client's path: {@code /api/relabel} of {@code
   * /api/relabel/v1/jobs} forwarded as {@code /v1/jobs}; {@code ""} if nothing.
   */
  static String strippedPrefix(String clientPath, String forwardedPath) {
    if (clientPath == null || forwardedPath == null || !clientPath.endsWith(forwardedPath)) {
      return "";
    }
    return clientPath.substring(0, clientPath.length() - forwardedPath.length());
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
