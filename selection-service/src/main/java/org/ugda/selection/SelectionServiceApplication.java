package org.ugda.selection;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.web.service.registry.ImportHttpServices;
import org.ugda.api.policy.PolicyClient;

/**
 * Selection service: the uncertainty filter and the Adam influence that pick the samples to
 * relabel.
 *
 * <p>Features, one package each: {@code influence} (Eq. 9-12 on a log already read: ranks, the
 * validation directions, the strategies' pick); {@code job} (selections as jobs: the {@code
 * selection} schema, reading the run's log and its gradient features from policy-service through
 * {@code PolicyClient}); {@code web} (the endpoints); {@code config} ({@code ugda.selection.*}).
 *
 * <p>What every service shares comes from {@code service-support}, auto-configured: problem+json
 * errors, the {@code selection} schema's PostgreSQL, idempotency keys and the request-size limit.
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
@ConfigurationPropertiesScan
@ImportHttpServices(group = "policy", types = PolicyClient.class)
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
