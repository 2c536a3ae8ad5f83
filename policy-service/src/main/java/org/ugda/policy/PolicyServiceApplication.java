package org.ugda.policy;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.web.service.registry.ImportHttpServices;
import org.ugda.api.reward.RewardClient;

/**
 * Policy service: SFT, PPO against the reward ensemble, the rollout log and per-sample gradient
 * features.
 *
 * <p>Features, one package each: {@code rollout} (the rollout log: the writer the PPO job logs
 * every sample with, and its read endpoints under {@code /v1/runs/{runId}}); {@code run} (PPO runs
 * as jobs, scoring through reward-service's {@code RewardClient}, gradient features, generation);
 * {@code runtime} (the base model, the storage root, a policy's state on disk); {@code web} (the
 * endpoints of runs, features and generation); {@code config} ({@code ugda.policy.*}).
 *
 * <p>What every service shares comes from {@code service-support}, auto-configured: problem+json
 * errors, the {@code policy} schema's PostgreSQL ({@code ugda.database.schema: policy}: pool,
 * Flyway migration of {@code db/migration/policy}, JdbcClient, transactions, health) and the
 * request-size limit.
 *
 * <p>This service reads {@code policy-service.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=policy-service}; both {@link #main} and the launcher start the service through
 * it. The usual overrides keep working under that name ({@code ./policy-service.yml}, {@code
 * ./config/policy-service.yml}, profile files such as {@code policy-service-prod.yml}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@ImportHttpServices(group = "reward", types = RewardClient.class)
public class PolicyServiceApplication {

  /** Base name of this service's configuration file. */
  public static final String CONFIG_NAME = "policy-service";

  public static void main(String[] args) {
    application().run(args);
  }

  /** Returns a builder for this service that reads {@value #CONFIG_NAME}{@code .yml}. */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(PolicyServiceApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
