package org.ugda.api.relabel;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Agreement between two experts on the items both labelled (same prompt and response), in the
 * layout of the paper's table 1, plus Cohen's kappa.
 *
 * @param expertA the reference expert
 * @param expertB the expert compared with it
 * @param jobId the job the items were restricted to, or null for all jobs
 * @param sharedItems items both labelled
 * @param distributionA A's scores over every item it labelled
 * @param distributionB B's scores over every item it labelled
 * @param perScore for each score 1..5, how often B matched A
 * @param overallAgreement matching shared items / shared items, or null when none are shared
 * @param cohensKappa Cohen's kappa on the shared items, or null when undefined (no shared items, or
 *     both experts always gave the same single score)
 */
public record AgreementReport(
    String expertA,
    String expertB,
    UUID jobId,
    int sharedItems,
    ScoreDistribution distributionA,
    ScoreDistribution distributionB,
    List<ScoreAgreement> perScore,
    Double overallAgreement,
    Double cohensKappa) {

  public AgreementReport {
    Objects.requireNonNull(expertA, "expertA");
    Objects.requireNonNull(expertB, "expertB");
    if (sharedItems < 0) {
      throw new IllegalArgumentException("sharedItems must be >= 0");
    }
    Objects.requireNonNull(distributionA, "distributionA");
    Objects.requireNonNull(distributionB, "distributionB");
    perScore = List.copyOf(perScore);
  }
}
