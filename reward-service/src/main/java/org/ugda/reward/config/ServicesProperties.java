package org.ugda.reward.config;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The other services this one calls ({@code ugda.services.*}, the names the gateway uses too).
 *
 * @param policyUrl base URL of policy-service, for refine jobs that name a run ({@code runId});
 *     unset by default, and then such a job is refused with a 400 that names this key. The HTTP
 *     client's {@code spring.http.serviceclient.policy.base-url} follows it
 */
@ConfigurationProperties("ugda.services")
public record ServicesProperties(URI policyUrl) {
  public ServicesProperties {
    if (policyUrl != null && (!policyUrl.isAbsolute() || policyUrl.getHost() == null)) {
      throw new IllegalArgumentException(
          "ugda.services.policy-url must be an absolute URL such as http://policy-service:8082,"
              + " got "
              + policyUrl);
    }
  }

  /** Whether refine may fetch a run's rewards from policy-service. */
  public boolean hasPolicyService() {
    return policyUrl != null;
  }
}
