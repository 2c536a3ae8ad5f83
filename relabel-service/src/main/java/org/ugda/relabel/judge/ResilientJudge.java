package org.ugda.relabel.judge;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends one item to the LLM until it answers: bounded concurrency, an evenly spaced request rate,
 * the circuit breaker, and retries with exponential backoff that honour {@code Retry-After}. Each
 * item has a deadline, so a dead provider ends in {@link JudgeUnavailableException.Reason#GAVE_UP}
 * rather than a hung job.
 */
final class ResilientJudge {

  private final OpenAiChat chat;
  private final RetryPolicy policy;
  private final Duration itemDeadline;
  private final CircuitBreaker breaker;
  private final RateLimiter rateLimiter;
  private final Semaphore inFlight;
  private final JudgeMetrics metrics;
  private final JudgeProperties.Pricing pricing;

  ResilientJudge(
      OpenAiChat chat,
      JudgeProperties properties,
      CircuitBreaker breaker,
      RateLimiter rateLimiter,
      JudgeMetrics metrics) {
    this.chat = chat;
    this.policy = RetryPolicy.of(properties.retry());
    this.itemDeadline = properties.retry().itemDeadline();
    this.breaker = breaker;
    this.rateLimiter = rateLimiter;
    this.inFlight = new Semaphore(properties.limits().maxConcurrency(), true);
    this.metrics = metrics;
    this.pricing = properties.pricing();
  }

  /**
   * Asks the LLM about one item. {@code beforeAttempt} runs before every HTTP attempt (the cache
   * renews its claim there).
   */
  Completion complete(String prompt, String response, Runnable beforeAttempt)
      throws JudgeUnavailableException, InterruptedException {
    long deadline = System.nanoTime() + itemDeadline.toNanos();
    int attempts = 0;
    CallFailure last = null;
    while (true) {
      Optional<Duration> refused = breaker.tryAcquire();
      if (refused.isPresent()) {
        sleepWithin(refused.get(), deadline, attempts, last);
        continue;
      }
      attempts++;
      try {
        Completion completion = attempt(prompt, response, beforeAttempt);
        breaker.onSuccess();
        return completion;
      } catch (CallFailure failure) {
        last = failure;
        switch (failure.kind()) {
          case TRANSIENT -> {
            breaker.onFailure();
            // a 503 with Retry-After speaks for the whole provider: hold every worker back
            failure.retryAfter().ifPresent(rateLimiter::pause);
          }
          case RATE_LIMITED -> {
            breaker.onSuccess();
            failure.retryAfter().ifPresent(rateLimiter::pause);
          }
          case REJECTED -> {
            breaker.onSuccess();
            throw new JudgeUnavailableException(
                JudgeUnavailableException.Reason.REJECTED, failure.getMessage());
          }
          case MISCONFIGURED -> {
            breaker.onSuccess();
            throw new JudgeUnavailableException(
                JudgeUnavailableException.Reason.MISCONFIGURED,
                failure.getMessage()
                    + "; check ugda.relabel.judge.base-url, model and the API key");
          }
        }
        if (attempts >= policy.maxAttempts()) {
          throw gaveUp("after " + attempts + " attempts", last);
        }
        Optional<Duration> retryAfter = failure.retryAfter();
        if (retryAfter.isPresent() && retryAfter.get().compareTo(policy.maxRetryAfter()) > 0) {
          throw gaveUp(
              "the provider asked to wait "
                  + retryAfter.get().toSeconds()
                  + " s, more than ugda.relabel.judge.retry.max-retry-after",
              last);
        }
        sleepWithin(
            policy.delay(attempts, retryAfter, ThreadLocalRandom.current()::nextDouble),
            deadline,
            attempts,
            last);
      } catch (InterruptedException | RuntimeException e) {
        breaker.onAbandoned();
        throw e;
      }
    }
  }

  private Completion attempt(String prompt, String response, Runnable beforeAttempt)
      throws CallFailure, InterruptedException {
    inFlight.acquire();
    try {
      rateLimiter.acquire();
      beforeAttempt.run();
      long start = System.nanoTime();
      try {
        Completion completion = chat.complete(prompt, response);
        metrics.request("success", Duration.ofNanos(System.nanoTime() - start));
        metrics.usage(
            completion.promptTokens(),
            completion.completionTokens(),
            pricing.cost(completion.promptTokens(), completion.completionTokens()));
        return completion;
      } catch (CallFailure failure) {
        metrics.request(
            failure.kind().name().toLowerCase(Locale.ROOT),
            Duration.ofNanos(System.nanoTime() - start));
        throw failure;
      }
    } finally {
      inFlight.release();
    }
  }

  private void sleepWithin(Duration wait, long deadline, int attempts, CallFailure last)
      throws JudgeUnavailableException, InterruptedException {
    long remaining = deadline - System.nanoTime();
    if (wait.toNanos() >= remaining) {
      throw gaveUp(
          "the item's deadline (ugda.relabel.judge.retry.item-deadline) passed after "
              + attempts
              + " attempts"
              + (breaker.state() == CircuitBreaker.State.CLOSED ? "" : " with the circuit open"),
          last);
    }
    TimeUnit.NANOSECONDS.sleep(wait.toNanos());
  }

  private static JudgeUnavailableException gaveUp(String how, CallFailure last) {
    return new JudgeUnavailableException(
        JudgeUnavailableException.Reason.GAVE_UP,
        "the LLM judge gave no answer "
            + how
            + (last == null ? "" : "; last error: " + last.getMessage()));
  }
}
