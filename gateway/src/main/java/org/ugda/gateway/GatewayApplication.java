package org.ugda.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.web.service.registry.ImportHttpServices;
import org.ugda.api.policy.PolicyClient;
import org.ugda.api.relabel.RelabelClient;
import org.ugda.api.reward.RewardClient;
import org.ugda.api.selection.SelectionClient;

/**
 * Gateway: the one entry point of the platform. It routes {@code /api/reward/**}, {@code
 * /api/policy/**}, {@code /api/selection/**} and {@code /api/relabel/**} to the services, with the
 * first two path segments stripped (the routes and the service base URLs, {@code
 * ugda.services.*-url}, are in {@code gateway.yml}), and runs the UGDA pipeline ({@code /api/runs},
 * package {@code pipeline}) through the services' declarative clients. The dashboard is its page at
 * {@code /} (package {@code org.ugda.gateway.dashboard}, {@code gateway/DASHBOARD.md}).
 *
 * <p>This application reads {@code gateway.yml}, not {@code application.yml}: the standalone
 * launcher starts every service in one JVM, where each module's {@code application.yml} would sit
 * on the same classpath and only one would win. {@link #application()} sets {@code
 * spring.config.name=gateway}; both {@link #main} and the launcher start the gateway through it.
 * The usual overrides keep working under that name ({@code ./gateway.yml}, {@code
 * ./config/gateway.yml}, profile files such as {@code gateway-prod.yml}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@ImportHttpServices(group = "reward", types = RewardClient.class)
@ImportHttpServices(group = "policy", types = PolicyClient.class)
@ImportHttpServices(group = "selection", types = SelectionClient.class)
@ImportHttpServices(group = "relabel", types = RelabelClient.class)
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
