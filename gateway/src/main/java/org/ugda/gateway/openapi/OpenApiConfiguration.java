package org.ugda.gateway.openapi;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The merged OpenAPI document's parts: service URLs, fetch settings, the fetcher. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ServiceUrls.class, ApiDocsProperties.class})
class OpenApiConfiguration {

  @Bean
  ServiceApiDocs serviceApiDocs(ServiceUrls urls, ApiDocsProperties properties, JsonMapper json) {
    return new ServiceApiDocs(urls.byRoute(), properties, json, Clock.systemUTC());
  }
}
