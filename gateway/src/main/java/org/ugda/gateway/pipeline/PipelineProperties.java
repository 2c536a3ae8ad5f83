package org.ugda.gateway.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The pipeline runner's settings ({@code ugda.pipeline.*}).
 *
 * @param storageRoot the storage root the services share: the benchmark world's prompts are read
 *     from it
 * @param worldDir the world under the storage root
 * @param pollInterval how often a step asks its service how its job goes
 * @param retryMax the longest wait between tries while a service is unreachable (it is retried for
 *     as long as it takes, unless the run is cancelled)
 * @param resumeInterrupted whether a start of the gateway carries on the runs its last stop
 *     interrupted (from their first unfinished step); one gateway replica per database, as the
 *     deployments run it
 */
@ConfigurationProperties("ugda.pipeline")
public record PipelineProperties(
    Path storageRoot,
    @DefaultValue("world") String worldDir,
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("15s") Duration retryMax,
    @DefaultValue("true") boolean resumeInterrupted) {

  public PipelineProperties {
    if (storageRoot == null) {
      throw new IllegalArgumentException("ugda.pipeline.storage-root is required");
    }
    if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.toMinutes() > 10) {
      throw new IllegalArgumentException(
          "ugda.pipeline.poll-interval must be above 0 and at most 10 minutes, got "
              + pollInterval);
    }
    if (retryMax.compareTo(pollInterval) < 0) {
      throw new IllegalArgumentException(
          "ugda.pipeline.retry-max must be at least ugda.pipeline.poll-interval");
    }
  }

  /** The world's directory. */
  public Path world() {
    return storageRoot.resolve(worldDir);
  }
}
