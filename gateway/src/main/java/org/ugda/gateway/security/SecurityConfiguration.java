package org.ugda.gateway.security;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys, roles and rate limits at the gateway, without Spring Security: one servlet filter
 * ({@link ApiKeyFilter}) with the rules of {@link AccessRules}, keys in {@code gateway.api_key}
 * ({@link ApiKeyStore}), managed at {@code /api/keys} ({@link KeyController}). See {@code
 * gateway/SECURITY.md}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewaySecurityProperties.class)
class SecurityConfiguration {

  /**
   * After service-support's forwarded-header and request-size filters (so the bodies it reads are
   * bounded), before everything else.
   */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

  @Bean
  FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(
      GatewaySecurityProperties properties, ApiKeyStore keys, JsonMapper json) {
    FilterRegistrationBean<ApiKeyFilter> registration =
        new FilterRegistrationBean<>(
            new ApiKeyFilter(
                new AccessRules(properties.publicPrometheus()),
                keys,
                new RateLimiter(Clock.systemUTC()),
                properties.rateLimit().perMinute(),
                json));
    registration.setOrder(ORDER);
    return registration;
  }

  @Bean
  AdminKeyBootstrap adminKeyBootstrap(ApiKeyStore keys, GatewaySecurityProperties properties) {
    return new AdminKeyBootstrap(keys, properties);
  }
}
