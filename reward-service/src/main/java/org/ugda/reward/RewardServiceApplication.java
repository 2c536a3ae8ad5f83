package org.ugda.reward;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.web.service.registry.ImportHttpServices;
import org.ugda.api.policy.PolicyClient;

/**
 * Reward service: trains, serves and refines the reward LoRA ensembles.
 *
 * <p>This service reads {@code reward-service.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=reward-service}; both {@link #main} and the launcher start the service through
 * it. The usual overrides keep working under that name ({@code ./reward-service.yml}, {@code
 * ./config/reward-service.yml}, profile files such as {@code reward-service-prod.yml}).
 *
 * <p>It calls policy-service through {@link PolicyClient} (group {@code policy}: {@code
 * spring.http.serviceclient.policy.*}, whose base URL follows {@code ugda.services.policy-url}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@ImportHttpServices(group = "policy", types = PolicyClient.class)
public class RewardServiceApplication {

  /** Base name of this service's configuration file. */
  public static final String CONFIG_NAME = "reward-service";

  public static void main(String[] args) {
    application().run(args);
  }

  /** Returns a builder for this service that reads {@value #CONFIG_NAME}{@code .yml}. */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(RewardServiceApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
