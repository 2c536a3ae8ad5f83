package org.ugda.api.reward;

import org.ugda.api.check.RequestChecks;

/**
 * Trains every member with the Bradley-Terry loss (Eq. 1) from the given version (null: the
 * latest); members differ in seed and data order.
 *
 * @param dataset the preference pairs; required
 * @param fromVersion 1 or more; null: the latest
 * @param training optimizer settings; null fields take the service's defaults
 * @param centering weight of TRL's reward-centring term, in [0, 10] (default 0: off)
 */
public record TrainRequest(
    DatasetRef dataset, Integer fromVersion, TrainingSettings training, Double centering) {
  public TrainRequest {
    DatasetRef.require(dataset);
    RequestChecks.version(fromVersion, "fromVersion");
    RequestChecks.range(centering, "centering", 0, 10);
  }
}
