package org.ugda.support.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the instances of a service share its job table ({@code ugda.jobs}, every service that runs
 * its jobs with {@link JobWorker}): the lease an instance holds on the jobs it queued or runs.
 *
 * @param heartbeat how often an instance refreshes {@code heartbeat_at} of its queued and running
 *     jobs (default 10 s)
 * @param staleAfter a queued or running job whose heartbeat is older is marked {@code INTERRUPTED}
 *     by any instance, at its start and every half {@code stale-after} (default 1 min; must exceed
 *     two heartbeats)
 */
@ConfigurationProperties("ugda.jobs")
public record JobProperties(
    @DefaultValue("10s") Duration heartbeat, @DefaultValue("1m") Duration staleAfter) {

  public JobProperties {
    if (heartbeat.isNegative()
        || heartbeat.isZero()
        || staleAfter.compareTo(heartbeat.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException(
          "ugda.jobs.stale-after ("
              + staleAfter
              + ") must exceed two heartbeats (ugda.jobs.heartbeat = "
              + heartbeat
              + ")");
    }
  }
}
