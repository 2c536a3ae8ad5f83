package org.ugda.relabel;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Relabel service: experts that score selected samples (LLM judge, human queue, simulated expert).
 *
 * <p>Features, one package each: {@code judge} (the LLM judge over any OpenAI-compatible API, with
 * its Postgres cache), {@code job} (asynchronous relabel jobs), {@code queue} (the human queue),
 * {@code label} (immutable labels and corrections), {@code simulated} (the benchmark world's
 * expert), {@code agreement} (table 1 statistics) and {@code web} (the labelling page).
 *
 * <p>What every service shares comes from {@code service-support}, auto-configured: problem+json
 * errors (domain code throws {@link IllegalArgumentException} and the exceptions of {@code
 * org.ugda.support.problem}), the {@code relabel} schema's PostgreSQL ({@code ugda.database.schema:
 * relabel}: pool, Flyway migration of {@code db/migration/relabel}, JdbcClient, transactions,
 * health), the idempotency-key rule and the request-size limit.
 *
 * <p>This service reads {@code relabel-service.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=relabel-service}; both {@link #main} and the launcher start the service
 * through it. The usual overrides keep working under that name ({@code ./relabel-service.yml},
 * {@code ./config/relabel-service.yml}, profile files such as {@code relabel-service-prod.yml}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RelabelServiceApplication {

  /** Base name of this service's configuration file. */
  public static final String CONFIG_NAME = "relabel-service";

  public static void main(String[] args) {
    application().run(args);
  }

  /** Returns a builder for this service that reads {@value #CONFIG_NAME}{@code .yml}. */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(RelabelServiceApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
