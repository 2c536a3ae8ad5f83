package org.ugda.gateway.openapi;

import java.time.Clock;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

/** The merged OpenAPI document's parts: service URLs, fetch settings, the fetcher. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ServiceUrls.class, ApiDocsProperties.class})
class OpenApiConfiguration {

  @Bean
  ServiceApiDocs serviceApiDocs(ServiceUrls urls, ApiDocsProperties properties, JsonMapper json) {
    return new ServiceApiDocs(urls.byRoute(), properties, json, Clock.systemUTC());
  }

  /** Once the gateway is up, the services are asked for their documents (in the background). */
  @EventListener(ApplicationReadyEvent.class)
  void prefetchServiceDocuments(ApplicationReadyEvent event) {
    event.getApplicationContext().getBean(ServiceApiDocs.class).prefetch();
  }
}
