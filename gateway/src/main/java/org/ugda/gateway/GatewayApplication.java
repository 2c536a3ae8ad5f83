package org.ugda.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Gateway: the one entry point of the platform. For now it routes {@code /reward/**}, {@code
 * /policy/**}, {@code /selection/**} and {@code /relabel/**} to the services, with the first path
 * segment stripped; the routes and the service base URLs ({@code ugda.services.*-url}) are in
 * {@code gateway.yml}. The dashboard is its page at {@code /} (package {@code
 * org.ugda.gateway.dashboard}, {@code gateway/DASHBOARD.md}).
 *
 * <p>This application reads {@code gateway.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=gateway}; both {@link #main} and the launcher start the gateway through it.
 * The usual overrides keep working under that name ({@code ./gateway.yml}, {@code
 * ./config/gateway.yml}, profile files such as {@code gateway-prod.yml}).
 */
@SpringBootApplication
public class GatewayApplication {

  /** Base name of the gateway's configuration file. */
  public static final String CONFIG_NAME = "gateway";

  public static void main(String[] args) {
    application().run(args);
  }

  /** Returns a builder for the gateway that reads {@value #CONFIG_NAME}{@code .yml}. */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(GatewayApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
