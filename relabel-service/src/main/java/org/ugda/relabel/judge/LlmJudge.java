package org.ugda.relabel.judge;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The LLM judge as the jobs use it: the answer from the cache when there is one; otherwise a claim
 * on the cache key, the request (through {@link ResilientJudge}), strict parsing, and the answer
 * stored for good. Unparseable and out-of-range answers come back as {@link Verdict.Unusable} (they
 * were paid for, so they are cached too); no score is ever guessed.
 */
public final class LlmJudge implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LlmJudge.class);
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * A verdict and where it came from.
   *
   * @param verdict the score or why there is none
   * @param cacheKey the judge cache row that holds it
   * @param cached true when no request was made for it
   */
  public record Judgement(Verdict verdict, String cacheKey, boolean cached) {}

  private final JudgeProperties properties;
  private final Rubric rubric;
  private final ApiKey key;
  private final JudgeCache cache;
  private final OpenAiChat chat;
  private final ResilientJudge resilient;
  private final JudgeMetrics metrics;
  private final AnswerParser parser = new AnswerParser();

  LlmJudge(
      JudgeProperties properties,
      Rubric rubric,
      ApiKey key,
      JudgeCache cache,
      OpenAiChat chat,
      ResilientJudge resilient,
      JudgeMetrics metrics) {
    this.properties = properties;
    this.rubric = rubric;
    this.key = key;
    this.cache = cache;
    this.chat = chat;
    this.resilient = resilient;
    this.metrics = metrics;
  }

  /**
   * Builds the judge: the key from {@code properties.apiKeyFile()} or the environment variable
   * {@code properties.apiKeyEnv()} (looked up with {@code environment}), the cache in {@code
   * jdbc}'s {@code relabel} schema, meters in {@code registry}.
   */
  public static LlmJudge create(
      JudgeProperties properties,
      UnaryOperator<String> environment,
      JdbcClient jdbc,
      MeterRegistry registry) {
    ApiKey key = ApiKey.resolve(properties.apiKeyFile(), properties.apiKeyEnv(), environment);
    Rubric rubric = Rubric.V1;
    CircuitBreaker breaker =
        new CircuitBreaker(
            properties.breaker().failureThreshold(),
            properties.breaker().openFor(),
            System::nanoTime);
    JudgeMetrics metrics = new JudgeMetrics(registry, properties.model(), breaker);
    OpenAiChat chat = key.present() ? new OpenAiChat(properties, key, rubric) : null;
    ResilientJudge resilient =
        chat == null
            ? null
            : new ResilientJudge(
                chat,
                properties,
                breaker,
                new RateLimiter(properties.limits().requestsPerSecond(), System::nanoTime),
                metrics);
    return new LlmJudge(properties, rubric, key, new JudgeCache(jdbc), chat, resilient, metrics);
  }

  /** Where the key came from (never the key): safe to log. */
  public String keySource() {
    return key.source();
  }

  /**
   * Whether an API key is configured (without one, {@link #judge} always fails as misconfigured).
   */
  public boolean available() {
    return chat != null;
  }

  /** Why the judge is unavailable, or empty; never contains the key. */
  public Optional<String> unavailableReason() {
    return available()
        ? Optional.empty()
        : Optional.of("the openai expert has no API key: " + key.source());
  }

  public String model() {
    return properties.model();
  }

  public Rubric rubric() {
    return rubric;
  }

  /** Removes the API key from text that is about to be stored or shown. */
  public String redact(String text) {
    return key.redact(text);
  }

  /** Judges one item; see the class comment. */
  public Judgement judge(String prompt, String response)
      throws JudgeUnavailableException, InterruptedException {
    if (!available()) {
      throw new JudgeUnavailableException(
          JudgeUnavailableException.Reason.MISCONFIGURED, unavailableReason().orElseThrow());
    }
    String cacheKey = JudgeCache.key(properties.model(), rubric.version(), prompt, response);
    long deadline = System.nanoTime() + properties.retry().itemDeadline().toNanos();
    long poll = TimeUnit.MILLISECONDS.toNanos(20);
    while (true) {
      Optional<Verdict> stored = cache.answer(cacheKey);
      if (stored.isPresent()) {
        metrics.cache(true);
        return new Judgement(stored.get(), cacheKey, true);
      }
      String owner = UUID.randomUUID().toString();
      if (cache.claim(
          cacheKey, properties.model(), rubric.version(), owner, properties.claimLease())) {
        return ask(prompt, response, cacheKey, owner);
      }
      // another caller (this instance or another) is asking right now: wait for its answer
      if (System.nanoTime() + poll > deadline) {
        throw new JudgeUnavailableException(
            JudgeUnavailableException.Reason.GAVE_UP,
            "another caller held the judge cache claim for this item past its deadline");
      }
      TimeUnit.NANOSECONDS.sleep(poll);
      poll = Math.min(poll * 2, MAX_POLL_NANOS);
    }
  }

  private Judgement ask(String prompt, String response, String cacheKey, String owner)
      throws JudgeUnavailableException, InterruptedException {
    Duration lease = properties.claimLease();
    boolean answered = false;
    try {
      Completion completion =
          resilient.complete(prompt, response, () -> cache.renew(cacheKey, owner, lease));
      Verdict verdict =
          completion.content() == null
              ? new Verdict.Unusable(
                  "the model gave no answer"
                      + (completion.refusal() == null
                          ? ""
                          : " (refusal: " + key.redact(completion.refusal()) + ")"))
              : parser.parse(key.redact(completion.content()));
      Verdict stored =
          cache.complete(
              cacheKey,
              properties.model(),
              rubric.version(),
              verdict,
              completion,
              properties.pricing().cost(completion.promptTokens(), completion.completionTokens()));
      answered = true;
      metrics.cache(false);
      metrics.verdict(stored);
      if (stored instanceof Verdict.Unusable unusable) {
        log.info(
            "LLM answer for cache key {} is unusable, item goes to the human queue: {}",
            cacheKey,
            unusable.why());
      }
      return new Judgement(stored, cacheKey, false);
    } finally {
      if (!answered) {
        cache.release(cacheKey, owner);
      }
    }
  }

  @Override
  public void close() {
    if (chat != null) {
      chat.close();
    }
  }
}
