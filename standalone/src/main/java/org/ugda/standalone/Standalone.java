package org.ugda.standalone;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.ugda.gateway.GatewayApplication;
import org.ugda.policy.PolicyServiceApplication;
import org.ugda.relabel.RelabelServiceApplication;
import org.ugda.reward.RewardServiceApplication;
import org.ugda.selection.SelectionServiceApplication;

/**
 * The running services of a standalone JVM, one application context each.
 *
 * <p>All modules share one classpath here, so nothing may rely on a classpath-wide default:
 *
 * <ul>
 *   <li>each service reads its own config file ({@code reward-service.yml}, ..., {@code
 *       gateway.yml}), because its {@code application()} builder sets {@code spring.config.name};
 *       an {@code application.yml} would be read by every context;
 *   <li>each {@code @SpringBootApplication} scans only its own package;
 *   <li>auto-configuration sees every jar, so the gateway's auto-configurations are excluded from
 *       the services' contexts ({@link #GATEWAY_AUTO_CONFIGURATIONS}); {@code
 *       spring.cloud.gateway.server.webmvc.enabled=false} alone is not enough with Gateway 5.0.4,
 *       whose {@code FilterAutoConfiguration} ignores it and then fails for want of {@code
 *       GatewayMvcProperties};
 *   <li>environment post-processors cannot be excluded: the gateway's {@code
 *       MultipartEnvironmentPostProcessor} sets {@code spring.servlet.multipart.enabled=false} in
 *       every context that leaves it unset, so a service that takes uploads says {@code true} in
 *       its own config file (reward-service: {@code POST /v1/datasets});
 *   <li>logging is JVM-wide and each context re-initialises it, so the last context started would
 *       label every log line with its name; the application name is left out of log lines instead
 *       ({@code logging.include-application-name=false}).
 * </ul>
 *
 * The services start first, each listening on loopback only ({@code server.address=127.0.0.1},
 * whatever the command line says: from outside the machine the platform is reached through the
 * gateway, with its keys); the gateway starts last, on the configured address (all interfaces by
 * default), with {@code ugda.services.*-url} set to the ports the services actually listen on.
 */
final class Standalone implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Standalone.class);

  /**
   * A service, the gateway route prefix that leads to it ({@code ugda.services.<route>-url}), and
   * whether it maps JPA entities (reward-service). The others get Spring Boot's JPA
   * auto-configuration excluded: its jars are on the shared classpath because of reward-service.
   */
  private record Service(
      String route, String name, Supplier<SpringApplicationBuilder> application, boolean jpa) {}

  private static final List<Service> SERVICES =
      List.of(
          new Service(
              "reward",
              RewardServiceApplication.CONFIG_NAME,
              RewardServiceApplication::application,
              true),
          new Service(
              "policy",
              PolicyServiceApplication.CONFIG_NAME,
              PolicyServiceApplication::application,
              false),
          new Service(
              "selection",
              SelectionServiceApplication.CONFIG_NAME,
              SelectionServiceApplication::application,
              false),
          new Service(
              "relabel",
              RelabelServiceApplication.CONFIG_NAME,
              RelabelServiceApplication::application,
              false));

  /**
   * Spring Boot's own data source and Flyway, excluded from every context: each service's data
   * source comes from service-support (for the services that name a schema), and Boot's Flyway
   * would migrate every service's scripts into one schema.
   */
  private static final String BOOT_DATABASE_AUTO_CONFIGURATIONS =
      String.join(
          ",",
          "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
          "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");

  /** Spring Boot's JPA, excluded where a service maps no entities. */
  private static final String JPA_AUTO_CONFIGURATIONS =
      String.join(
          ",",
          "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
          "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration");

  /** Everything {@code spring-cloud-gateway-server-webmvc} registers for auto-configuration. */
  private static final String GATEWAY_AUTO_CONFIGURATIONS =
      String.join(
          ",",
          "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
          "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");

  /** The address every service context listens on; the gateway keeps the configured one. */
  static final String SERVICE_ADDRESS = "127.0.0.1";

  private final Map<String, ConfigurableApplicationContext> contexts;
  private boolean closed;

  private Standalone(Map<String, ConfigurableApplicationContext> contexts) {
    this.contexts = contexts;
  }

  /** Starts every service, then the gateway; on failure closes what had started and rethrows. */
  static Standalone start(String... args) {
    return start(false, args);
  }

  /**
   * As {@link #start(String...)}, with one JVM shutdown hook, registered before anything starts,
   * that closes everything in order (see {@link #close()}).
   */
  static Standalone startClosingOnShutdown(String... args) {
    return start(true, args);
  }

  private static Standalone start(boolean shutdownHook, String... args) {
    StandaloneProperties settings = StandaloneProperties.from(args);
    Standalone standalone = new Standalone(new LinkedHashMap<>());
    if (shutdownHook) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(standalone::close, "ugda-standalone-shutdown"));
    }
    try {
      Map<String, Object> shared = databaseProperties(settings);
      Map<String, Object> serviceUrls = new LinkedHashMap<>(shared);
      for (Service service : SERVICES) {
        String exclude = GATEWAY_AUTO_CONFIGURATIONS + "," + BOOT_DATABASE_AUTO_CONFIGURATIONS;
        if (!service.jpa()) {
          exclude += "," + JPA_AUTO_CONFIGURATIONS;
        }
        // each service also learns the addresses of those started before it (policy-service
        // scores rollouts with reward-service)
        Map<String, Object> overrides = new LinkedHashMap<>(serviceUrls);
        overrides.put("server.address", SERVICE_ADDRESS);
        ConfigurableApplicationContext context =
            standalone.run(
                service.name(),
                service.application().get().properties("spring.autoconfigure.exclude=" + exclude),
                settings,
                overrides,
                args);
        serviceUrls.put("ugda.services." + service.route() + "-url", url(context).toString());
      }
      standalone.run(
          GatewayApplication.CONFIG_NAME,
          GatewayApplication.application()
              .properties(
                  "spring.autoconfigure.exclude="
                      + BOOT_DATABASE_AUTO_CONFIGURATIONS
                      + ","
                      + JPA_AUTO_CONFIGURATIONS),
          settings,
          serviceUrls,
          args);
    } catch (RuntimeException e) {
      standalone.close();
      throw e;
    }
    log.info("UGDA standalone is up:{}", standalone.summary());
    return standalone;
  }

  /** Base URL of each running service by name (its {@code spring.config.name}), gateway last. */
  Map<String, URI> urls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    contexts.forEach((name, context) -> urls.put(name, url(context)));
    return urls;
  }

  /**
   * Closes the contexts in reverse start order (gateway first); the last service context to close
   * releases the last lease on the embedded PostgreSQL, which then stops. The contexts register no
   * shutdown hooks of their own; {@link #startClosingOnShutdown} runs this on SIGTERM, so the
   * services finish their last writes (a job marked interrupted) while the database is still up.
   */
  @Override
  public synchronized void close() {
    closed = true;
    List<ConfigurableApplicationContext> started = new ArrayList<>(contexts.values());
    Collections.reverse(started);
    started.forEach(ConfigurableApplicationContext::close);
    contexts.clear();
  }

  /**
   * The property every context gets: where the JVM's one embedded PostgreSQL keeps its data. Each
   * service context with no {@code spring.datasource.url} leases that server (service-support's
   * {@code EmbeddedPostgresServer}): the first starts it, the last to close stops it.
   */
  private static Map<String, Object> databaseProperties(StandaloneProperties settings) {
    Path dir = settings.dataDir().toAbsolutePath().normalize();
    return Map.of("ugda.database.embedded-data-directory", dir.toString());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the standalone JVM is shutting down");
    }
  }

  private synchronized ConfigurableApplicationContext run(
      String name,
      SpringApplicationBuilder application,
      StandaloneProperties settings,
      Map<String, Object> overrides,
      String... args) {
    requireOpen();
    ConfigurableApplicationContext context =
        application
            .registerShutdownHook(false)
            .properties("spring.main.banner-mode=off", "logging.include-application-name=false")
            .initializers(overrides(settings, overrides))
            .run(args);
    contexts.put(name, context);
    return context;
  }

  /**
   * Puts the offset port and {@code overrides} ahead of every other property source. It runs once
   * the context's own config file is loaded, so the offset applies to the port that file (or the
   * command line) configures.
   */
  private static ApplicationContextInitializer<ConfigurableApplicationContext> overrides(
      StandaloneProperties settings, Map<String, Object> overrides) {
    return context -> {
      ConfigurableEnvironment environment = context.getEnvironment();
      Map<String, Object> properties = new LinkedHashMap<>(overrides);
      properties.put(
          "server.port",
          settings.port(environment.getProperty("server.port", Integer.class, 8080)));
      environment
          .getPropertySources()
          .addFirst(new MapPropertySource("ugdaStandalone", properties));
    };
  }

  /** A service's URL names the loopback address it listens on; the gateway's is localhost. */
  private static URI url(ConfigurableApplicationContext context) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    String host =
        SERVICE_ADDRESS.equals(context.getEnvironment().getProperty("server.address"))
            ? SERVICE_ADDRESS
            : "localhost";
    return URI.create("http://" + host + ":" + port);
  }

  private String summary() {
    StringBuilder summary = new StringBuilder();
    urls()
        .forEach(
            (name, url) ->
                summary.append(
                    String.format("%n  %-18s %s  (API docs: %s/swagger-ui.html)", name, url, url)));
    return summary.toString();
  }
}
