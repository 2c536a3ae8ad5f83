package org.ugda.selection;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Selection service: the uncertainty filter and the Adam influence that pick the samples to
 * relabel.
 *
 * <p>This service reads {@code selection-service.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=selection-service}; both {@link #main} and the launcher start the service
 * through it. The usual overrides keep working under that name ({@code ./selection-service.yml},
 * {@code ./config/selection-service.yml}, profile files such as {@code
 * selection-service-prod.yml}).
 */
@SpringBootApplication
public class SelectionServiceApplication {

  /** Base name of this service's configuration file. */
  public static final String CONFIG_NAME = "selection-service";

  public static void main(String[] args) {
    application().run(args);
  }

  /** Returns a builder for this service that reads {@value #CONFIG_NAME}{@code .yml}. */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(SelectionServiceApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
