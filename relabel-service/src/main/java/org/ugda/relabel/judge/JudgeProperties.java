package org.ugda.relabel.judge;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The LLM judge: any OpenAI-compatible chat-completions endpoint.
 *
 * <p>There is deliberately no property for the API key itself: it comes only from the environment
 * variable named by {@code apiKeyEnv} or from the file {@code apiKeyFile} (a mounted Kubernetes
 * Secret), so that it is never in a config file, a log line or an endpoint.
 *
 * @param baseUrl the API's base URL, ending before {@code /chat/completions} (default {@code
 *     https://api.openai.com/v1})
 * @param model the model name sent with every request (default {@code gpt-4o-mini}); part of the
 *     cache key
 * @param apiKeyEnv environment variable holding the key (default {@code OPENAI_API_KEY})
 * @param apiKeyFile file holding the key, e.g. {@code /var/run/secrets/ugda/openai-api-key}; wins
 *     over the environment when set; read once at start-up
 * @param requestTimeout time limit of one HTTP request (default 60 s)
 * @param maxOutputTokens cap on the answer's tokens (default 300)
 * @param tokenLimitField the request field that carries the cap: {@code max_completion_tokens}
 *     (default; OpenAI, which refuses {@code max_tokens} for its reasoning models), {@code
 *     max_tokens} (servers that ignore the newer field: {@code transformers serve}, older vLLM and
 *     llama.cpp servers) or {@code both}
 * @param jsonMode ask for {@code response_format: json_object} (default true; turn off for servers
 *     that reject it)
 * @param retry retries and backoff
 * @param limits concurrency and request rate, per service instance
 * @param breaker the circuit breaker
 * @param pricing prices for the cost metric
 * @param claimLease how long a cache claim stays valid without renewal (renewed before every
 *     attempt); others wait for a live claim, take over an expired one (default 2 min)
 */
@ConfigurationProperties("ugda.relabel.judge")
public record JudgeProperties(
    @DefaultValue("https://api.openai.com/v1") URI baseUrl,
    @DefaultValue("gpt-4o-mini") String model,
    @DefaultValue("OPENAI_API_KEY") String apiKeyEnv,
    Path apiKeyFile,
    @DefaultValue("60s") Duration requestTimeout,
    @DefaultValue("300") int maxOutputTokens,
    @DefaultValue("max_completion_tokens") String tokenLimitField,
    @DefaultValue("true") boolean jsonMode,
    @DefaultValue Retry retry,
    @DefaultValue Limits limits,
    @DefaultValue Breaker breaker,
    @DefaultValue Pricing pricing,
    @DefaultValue("2m") Duration claimLease) {

  public JudgeProperties {
    Objects.requireNonNull(baseUrl, "ugda.relabel.judge.base-url");
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "ugda.relabel.judge.model must name the model, e.g. gpt-4o-mini");
    }
    requirePositive(requestTimeout, "request-timeout");
    requirePositive(claimLease, "claim-lease");
    if (!java.util.List.of("max_completion_tokens", "max_tokens", "both")
        .contains(tokenLimitField)) {
      throw new IllegalArgumentException(
          "ugda.relabel.judge.token-limit-field must be max_completion_tokens, max_tokens or both,"
              + " was "
              + tokenLimitField);
    }
    if (maxOutputTokens < 16) {
      throw new IllegalArgumentException(
          "ugda.relabel.judge.max-output-tokens must be at least 16, was " + maxOutputTokens);
    }
  }

  /**
   * @param maxAttempts HTTP attempts per item, first included (default 6)
   * @param initialBackoff wait after the first failure; doubles each time, with jitter (default 500
   *     ms)
   * @param maxBackoff cap on the exponential wait (default 30 s)
   * @param maxRetryAfter longest {@code Retry-After} honoured; a longer one ends the item's
   *     attempts (default 2 min)
   * @param itemDeadline the most time one item may spend waiting on the judge, circuit breaker
   *     waits included (default 10 min)
   */
  public record Retry(
      @DefaultValue("6") int maxAttempts,
      @DefaultValue("500ms") Duration initialBackoff,
      @DefaultValue("30s") Duration maxBackoff,
      @DefaultValue("2m") Duration maxRetryAfter,
      @DefaultValue("10m") Duration itemDeadline) {

    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "ugda.relabel.judge.retry.max-attempts must be at least 1");
      }
      requirePositive(initialBackoff, "retry.initial-backoff");
      requirePositive(maxBackoff, "retry.max-backoff");
      requirePositive(maxRetryAfter, "retry.max-retry-after");
      requirePositive(itemDeadline, "retry.item-deadline");
    }
  }

  /**
   * @param maxConcurrency requests in flight at once (default 16)
   * @param requestsPerSecond requests started per second, evenly spaced (default 20; 0 = no limit)
   */
  public record Limits(
      @DefaultValue("16") int maxConcurrency, @DefaultValue("20") double requestsPerSecond) {

    public Limits {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException(
            "ugda.relabel.judge.limits.max-concurrency must be at least 1");
      }
      if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException(
            "ugda.relabel.judge.limits.requests-per-second must be >= 0");
      }
    }
  }

  /**
   * @param failureThreshold consecutive failed requests (5xx, timeouts, broken connections) that
   *     open the circuit (default 5)
   * @param openFor how long it stays open before one probe request (default 30 s)
   */
  public record Breaker(
      @DefaultValue("5") int failureThreshold, @DefaultValue("30s") Duration openFor) {

    public Breaker {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "ugda.relabel.judge.breaker.failure-threshold must be >= 1");
      }
      requirePositive(openFor, "breaker.open-for");
    }
  }

  /**
   * @param inputUsdPerMillionTokens price of prompt tokens (default 0: set it for a real cost
   *     metric)
   * @param outputUsdPerMillionTokens price of completion tokens (default 0)
   */
  public record Pricing(
      @DefaultValue("0") double inputUsdPerMillionTokens,
      @DefaultValue("0") double outputUsdPerMillionTokens) {

    public Pricing {
      if (!(inputUsdPerMillionTokens >= 0) || !(outputUsdPerMillionTokens >= 0)) {
        throw new IllegalArgumentException("ugda.relabel.judge.pricing.* must be >= 0");
      }
    }

    /** Cost in US dollars of one request's tokens. */
    public double cost(long promptTokens, long completionTokens) {
      return (promptTokens * inputUsdPerMillionTokens
              + completionTokens * outputUsdPerMillionTokens)
          / 1e6;
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "ugda.relabel.judge." + name + " must be a positive duration, was " + value);
    }
  }
}
