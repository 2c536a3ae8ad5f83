package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ugda.testsupport.OpenAiStub;

/**
 * The judge's request path (the real {@code openai-java} client, retries, backoff, limits, circuit
 * breaker) against the local OpenAI-compatible stub over real HTTP.
 */
class ResilientJudgeStubTest {

  private static final OpenAiStub STUB = OpenAiStub.start();
  private static final String KEY = "sk-stubtest-0123456789abcdef";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void reset() {
    STUB.reset();
    STUB.delay(0);
  }

  @AfterAll
  static void stop() {
    STUB.close();
  }

  @Test
  void shouldHonourRetryAfterOnRateLimit() throws Exception {
    Completion completion =
        judge(settings(Duration.ofSeconds(5), 4, 100, 0))
            .complete("p", "r #stub:rate-limit-once:4", () -> {});

    List<OpenAiStub.Request> requests = STUB.requests("rate-limit-once");
    assertThat(requests).extracting(OpenAiStub.Request::status).containsExactly(429, 200);
    assertThat(Duration.ofNanos(requests.get(1).startedNanos() - requests.get(0).startedNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    assertThat(new AnswerParser().parse(completion.content()))
        .isEqualTo(new Verdict.Scored(4, "stub judgement on attempt 2"));
  }

  @Test
  void shouldHonourRetryAfterOnServiceUnavailableForEveryWorker() throws Exception {
    ResilientJudge judge = judge(settings(Duration.ofSeconds(5), 4, 100, 0));

    judge.complete("p", "r #stub:unavailable-once:3", () -> {});
    judge.complete("p", "r #stub:ok:3 after-503", () -> {});

    List<OpenAiStub.Request> requests = STUB.requests("unavailable-once");
    assertThat(requests).extracting(OpenAiStub.Request::status).containsExactly(503, 200);
    assertThat(Duration.ofNanos(requests.get(1).startedNanos() - requests.get(0).startedNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void shouldRetryServerErrors() throws Exception {
    Completion completion =
        judge(settings(Duration.ofSeconds(5), 4, 100, 0))
            .complete("p", "r #stub:error-twice:2", () -> {});

    assertThat(STUB.requests("error-twice"))
        .extracting(OpenAiStub.Request::status)
        .containsExactly(500, 500, 200);
    assertThat(completion.content()).contains("\"score\": 2");
    assertThat(completion.promptTokens()).isPositive();
    assertThat(
            meters.get("ugda.relabel.judge.requests").tag("outcome", "transient").counter().count())
        .isEqualTo(2);
  }

  @Test
  void shouldRetryATimedOutRequest() throws Exception {
    Completion completion =
        judge(settings(Duration.ofMillis(700), 4, 100, 0))
            .complete("p", "r #stub:slow-once:5", () -> {});

    assertThat(STUB.received("slow-once")).isEqualTo(2);
    assertThat(completion.content()).contains("\"score\": 5");
  }

  @Test
  void shouldGiveUpAfterTheLastAttempt() {
    ResilientJudge judge = judge(settings(Duration.ofSeconds(5), 3, 100, 0));

    assertThatThrownBy(() -> judge.complete("p", "r #stub:always-500", () -> {}))
        .isInstanceOfSatisfying(
            JudgeUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(JudgeUnavailableException.Reason.GAVE_UP))
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("HTTP 500");
    assertThat(STUB.requests("always-500")).hasSize(3);
  }

  @Test
  void shouldNotRetryARejectedRequest() {
    ResilientJudge judge = judge(settings(Duration.ofSeconds(5), 4, 100, 0));

    assertThatThrownBy(() -> judge.complete("p", "r #stub:bad-request", () -> {}))
        .isInstanceOfSatisfying(
            JudgeUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(JudgeUnavailableException.Reason.REJECTED))
        .hasMessageContaining("HTTP 400");
    assertThat(STUB.requests("bad-request")).hasSize(1);
  }

  @Test
  void shouldReportABadKeyWithoutRevealingIt() {
    ResilientJudge judge = judge(settings(Duration.ofSeconds(5), 4, 100, 0));

    assertThatThrownBy(() -> judge.complete("p", "r #stub:unauthorized", () -> {}))
        .isInstanceOfSatisfying(
            JudgeUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(JudgeUnavailableException.Reason.MISCONFIGURED))
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("[redacted]")
        .message()
        .doesNotContain(KEY)
        .doesNotContain("0123456789abcdef");
    assertThat(STUB.requests("unauthorized"))
        .singleElement()
        .extracting(OpenAiStub.Request::authorization)
        .isEqualTo("Bearer " + KEY);
  }

  @Test
  void shouldStopCallingWhileTheCircuitIsOpen() {
    JudgeProperties settings = settings(Duration.ofSeconds(5), 10, 2, 0);
    CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofSeconds(3), System::nanoTime);
    ResilientJudge judge = judge(withDeadline(settings, Duration.ofMillis(1500)), breaker);

    assertThatThrownBy(() -> judge.complete("p", "r #stub:always-500", () -> {}))
        .hasMessageContaining("with the circuit open");
    assertThat(STUB.requests("always-500")).hasSize(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void shouldKeepToTheConcurrencyAndRateLimits() throws Exception {
    STUB.delay(100);
    ResilientJudge judge = judge(settings(Duration.ofSeconds(5), 2, 100, 20));
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try {
      List<Future<Completion>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 12; i++) {
        String item = "r #stub:ok:3 limits-" + i;
        calls.add(callers.submit(() -> judge.complete("p", item, () -> {})));
      }
      for (Future<Completion> call : calls) {
        assertThat(call.get().content()).contains("\"score\": 3");
      }
      // 12 starts at 20 per second take at least 11 intervals of 50 ms
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(550));
      assertThat(STUB.maxInFlight()).isLessThanOrEqualTo(3);
    } finally {
      callers.shutdownNow();
    }
  }

  private ResilientJudge judge(JudgeProperties settings) {
    return judge(
        settings,
        new CircuitBreaker(
            settings.breaker().failureThreshold(), settings.breaker().openFor(), System::nanoTime));
  }

  private ResilientJudge judge(JudgeProperties settings, CircuitBreaker breaker) {
    ApiKey key = ApiKey.resolve(null, "KEY", name -> KEY);
    OpenAiChat chat = new OpenAiChat(settings, key, Rubric.V1);
    return new ResilientJudge(
        chat,
        settings,
        breaker,
        new RateLimiter(settings.limits().requestsPerSecond(), System::nanoTime),
        new JudgeMetrics(meters, settings.model(), breaker));
  }

  /** Concurrency 3, short backoff; {@code rps} 0 means no rate limit. */
  private static JudgeProperties settings(
      Duration timeout, int attempts, int breakerThreshold, double rps) {
    return new JudgeProperties(
        URI.create(STUB.baseUrl()),
        "stub-model",
        "UNUSED",
        null,
        timeout,
        300,
        "max_completion_tokens",
        true,
        new JudgeProperties.Retry(
            attempts,
            Duration.ofMillis(20),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30)),
        new JudgeProperties.Limits(3, rps),
        new JudgeProperties.Breaker(breakerThreshold, Duration.ofSeconds(1)),
        new JudgeProperties.Pricing(0, 0),
        Duration.ofSeconds(30));
  }

  private static JudgeProperties withDeadline(JudgeProperties p, Duration deadline) {
    return new JudgeProperties(
        p.baseUrl(),
        p.model(),
        p.apiKeyEnv(),
        p.apiKeyFile(),
        p.requestTimeout(),
        p.maxOutputTokens(),
        p.tokenLimitField(),
        p.jsonMode(),
        new JudgeProperties.Retry(
            p.retry().maxAttempts(),
            p.retry().initialBackoff(),
            p.retry().maxBackoff(),
            p.retry().maxRetryAfter(),
            deadline),
        p.limits(),
        p.breaker(),
        p.pricing(),
        p.claimLease());
  }
}
