package org.ugda.relabel.judge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Micrometer meters of the judge, tagged with the model ({@code /actuator/prometheus}): {@code
 * ugda_relabel_judge_requests_total{outcome}} (every HTTP attempt), {@code
 * ugda_relabel_judge_tokens_total{kind=prompt|completion}}, {@code
 * ugda_relabel_judge_cost_usd_total}, {@code ugda_relabel_judge_cache_total{result=hit|miss}},
 * {@code ugda_relabel_judge_verdicts_total{verdict=scored|unusable}}, {@code
 * ugda_relabel_judge_request_seconds} and {@code ugda_relabel_judge_circuit_open}.
 */
final class JudgeMetrics {

  private final MeterRegistry registry;
  private final String model;
  private final Counter promptTokens;
  private final Counter completionTokens;
  private final Counter cost;
  private final Timer latency;

  JudgeMetrics(MeterRegistry registry, String model, CircuitBreaker breaker) {
    this.registry = registry;
    this.model = model;
    this.promptTokens =
        Counter.builder("ugda.relabel.judge.tokens")
            .tag("model", model)
            .tag("kind", "prompt")
            .description("tokens billed by the LLM provider")
            .register(registry);
    this.completionTokens =
        Counter.builder("ugda.relabel.judge.tokens")
            .tag("model", model)
            .tag("kind", "completion")
            .description("tokens billed by the LLM provider")
            .register(registry);
    this.cost =
        Counter.builder("ugda.relabel.judge.cost")
            .baseUnit("usd")
            .tag("model", model)
            .description("cost of the judge's requests at the configured prices")
            .register(registry);
    this.latency =
        Timer.builder("ugda.relabel.judge.request")
            .tag("model", model)
            .description("time of one HTTP attempt")
            .register(registry);
    Gauge.builder(
            "ugda.relabel.judge.circuit.open",
            breaker,
            b -> b.state() == CircuitBreaker.State.OPEN ? 1 : 0)
        .tag("model", model)
        .description("1 while the circuit breaker refuses requests")
        .register(registry);
  }

  void request(String outcome, Duration took) {
    Counter.builder("ugda.relabel.judge.requests")
        .tag("model", model)
        .tag("outcome", outcome)
        .description("HTTP attempts by outcome")
        .register(registry)
        .increment();
    latency.record(took);
  }

  void usage(long prompt, long completion, double usd) {
    promptTokens.increment(prompt);
    completionTokens.increment(completion);
    cost.increment(usd);
  }

  void cache(boolean hit) {
    Counter.builder("ugda.relabel.judge.cache")
        .tag("model", model)
        .tag("result", hit ? "hit" : "miss")
        .description("judge cache look-ups that found (hit) or paid for (miss) an answer")
        .register(registry)
        .increment();
  }

  void verdict(Verdict verdict) {
    Counter.builder("ugda.relabel.judge.verdicts")
        .tag("model", model)
        .tag("verdict", verdict instanceof Verdict.Scored ? "scored" : "unusable")
        .register(registry)
        .increment();
  }
}
