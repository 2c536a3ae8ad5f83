package org.ugda.gateway.health;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ugda.gateway.openapi.ServiceUrls;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whole-system health: {@code /actuator/health} of the gateway has a component {@code services}
 * with one {@link ServiceReadiness} per configured service ({@code services/reward}, {@code
 * services/policy}, {@code services/selection}, {@code services/relabel}).
 *
 * <p>A down service makes {@code /actuator/health} (the whole system) DOWN, but neither of the
 * gateway's own probes: {@code /actuator/health/liveness} is {@code livenessState} only and {@code
 * /actuator/health/readiness} {@code readinessState} only (Spring Boot's default groups), so a
 * service outage never restarts the gateway or takes it out of a load balancer; it keeps routing to
 * the services that are up, and keeps serving its own API and the documentation.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ServiceUrls.class, ServicesHealthProperties.class})
class ServicesHealthConfiguration {

  /** Named so that its component is {@code services}. */
  @Bean
  CompositeHealthContributor servicesHealthContributor(
      ServiceUrls urls, ServicesHealthProperties properties, JsonMapper json) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(properties.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Map<String, HealthContributor> services = new LinkedHashMap<>();
    urls.byRoute()
        .forEach(
            (route, base) ->
                services.put(
                    route,
                    new ServiceReadiness(
                        ServiceUrls.resolve(base, "/actuator/health/readiness"),
                        client,
                        properties.timeout(),
                        json)));
    return CompositeHealthContributor.fromMap(services);
  }
}
