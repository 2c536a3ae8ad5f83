package org.ugda.relabel.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How relabel jobs run, and the limits of a request (413 beyond them).
 *
 * @param workers items labelled at once by this instance, over all jobs (default 16; the LLM judge
 *     has its own concurrency limit as well)
 * @param heartbeat how often a running job's instance says it is alive (default 5 s)
 * @param staleAfter a running job whose heartbeat is older is reported {@code INTERRUPTED} (default
 *     1 min; must exceed two heartbeats)
 * @param maxItems items per job (default 10,000)
 * @param maxTextChars characters per prompt and per response (default 100,000)
 * @param shutdownGrace on shutdown, how long items already being labelled may take to finish (so an
 *     answer being paid for is stored, not lost); items not started stay pending (default 30 s)
 */
@ConfigurationProperties("ugda.relabel.jobs")
public record JobProperties(
    @DefaultValue("16") int workers,
    @DefaultValue("5s") Duration heartbeat,
    @DefaultValue("1m") Duration staleAfter,
    @DefaultValue("10000") int maxItems,
    @DefaultValue("100000") int maxTextChars,
    @DefaultValue("30s") Duration shutdownGrace) {

  public JobProperties {
    if (workers < 1) {
      throw new IllegalArgumentException(
          "ugda.relabel.jobs.workers must be at least 1, was " + workers);
    }
    if (heartbeat.isNegative()
        || heartbeat.isZero()
        || staleAfter.compareTo(heartbeat.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException(
          "ugda.relabel.jobs.stale-after ("
              + staleAfter
              + ") must exceed two heartbeats (ugda.relabel.jobs.heartbeat = "
              + heartbeat
              + ")");
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("ugda.relabel.jobs.shutdown-grace must not be negative");
    }
    if (maxItems < 1 || maxTextChars < 1) {
      throw new IllegalArgumentException(
          "ugda.relabel.jobs.max-items and max-text-chars must be positive");
    }
  }
}
