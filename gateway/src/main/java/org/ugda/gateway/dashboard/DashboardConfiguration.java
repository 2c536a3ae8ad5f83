package org.ugda.gateway.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard: one page at {@code /} and its assets under {@code /dashboard/**}, read from
 * {@value #LOCATION} (not {@code classpath:/static/}: in the standalone launcher every service
 * shares one classpath, and every service context would serve what lies there).
 *
 * <p>The page and its assets are public; the data comes from {@code /api/**}, which needs the API
 * key the page asks for. The page's responses carry a Content-Security-Policy that allows only the
 * gateway's own scripts, styles and fetches (no inline script, nothing from elsewhere), on top of
 * the page writing server text only as text nodes.
 */
@Configuration(proxyBeanMethods = false)
public class DashboardConfiguration implements WebMvcConfigurer {

  /** Where the page and its assets lie on the classpath. */
  public static final String LOCATION = "classpath:/org/ugda/gateway/dashboard/";

  /** The page's Content-Security-Policy. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry
        .addResourceHandler("/dashboard/**")
        .addResourceLocations(LOCATION)
        // a few files, small: revalidate each time, so a new gateway never runs old scripts
        .setCacheControl(CacheControl.noCache());
  }
}
