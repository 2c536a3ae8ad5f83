package org.ugda.api.policy;

import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * Declarative client of the policy service ({@code @ImportHttpServices(group = "policy", types =
 * PolicyClient.class)} and {@code spring.http.serviceclient.policy.base-url}). Errors arrive as
 * problem+json.
 */
@HttpExchange("/v1")
public interface PolicyClient {

  /**
   * Every member's reward of each sample a run logged, as scored by {@code version} of {@code
   * ensemble}: {@code GET /v1/runs/{runId}/rewards?ensemble=...&version=...}.
   */
  @GetExchange("/runs/{runId}/rewards")
  RunRewards runRewards(
      @PathVariable String runId,
      @RequestParam("ensemble") UUID ensemble,
      @RequestParam("version") int version);
}
