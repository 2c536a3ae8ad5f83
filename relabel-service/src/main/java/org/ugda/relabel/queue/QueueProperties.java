package org.ugda.relabel.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The human queue.
 *
 * @param lease how long a claim holds a task; after it the task is open to anyone again (default 10
 *     min). The holder may still submit late if nobody claimed it meanwhile.
 */
@ConfigurationProperties("ugda.relabel.queue")
public record QueueProperties(@DefaultValue("10m") Duration lease) {

  public QueueProperties {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException(
          "ugda.relabel.queue.lease must be a positive duration, was " + lease);
    }
  }
}
