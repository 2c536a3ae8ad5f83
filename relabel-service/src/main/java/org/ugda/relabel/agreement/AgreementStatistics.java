package org.ugda.relabel.agreement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ugda.api.relabel.AgreementReport;
import org.ugda.api.relabel.ScoreAgreement;
import org.ugda.api.relabel.ScoreDistribution;
import org.ugda.api.relabel.Scores;

/**
 * Agreement between two experts, as in the paper's table 1: each expert's score distribution, and
 * for each score s the fraction of shared items A scored s that B also scored s; plus the overall
 * exact agreement and Cohen's kappa, κ = (p_o - p_e) / (1 - p_e), where p_o is the observed
 * agreement and p_e = Σ_s p_A(s)·p_B(s) the agreement expected by chance from the two experts'
 * score frequencies on the shared items.
 */
final class AgreementStatistics {

  private static final int K = Scores.MAX;

  private AgreementStatistics() {}

  /**
   * The report for two experts' scores keyed by sample (the same key = the same prompt and
   * response).
   */
  static AgreementReport report(
      String expertA,
      String expertB,
      UUID jobId,
      Map<String, Integer> scoresA,
      Map<String, Integer> scoresB) {
    int[][] confusion = new int[K][K];
    int shared = 0;
    for (Map.Entry<String, Integer> a : scoresA.entrySet()) {
      Integer b = scoresB.get(a.getKey());
      if (b != null) {
        confusion[Scores.require(a.getValue()) - 1][Scores.require(b) - 1]++;
        shared++;
      }
    }
    List<ScoreAgreement> perScore = new ArrayList<>(K);
    int agreed = 0;
    for (int s = 0; s < K; s++) {
      int scoredByA = 0;
      for (int t = 0; t < K; t++) {
        scoredByA += confusion[s][t];
      }
      agreed += confusion[s][s];
      perScore.add(
          new ScoreAgreement(
              s + 1,
              scoredByA,
              confusion[s][s],
              scoredByA == 0 ? null : (double) confusion[s][s] / scoredByA));
    }
    return new AgreementReport(
        expertA,
        expertB,
        jobId,
        shared,
        distribution(expertA, scoresA.values()),
        distribution(expertB, scoresB.values()),
        perScore,
        shared == 0 ? null : (double) agreed / shared,
        cohensKappa(confusion));
  }

  /** How often each score was given. */
  static ScoreDistribution distribution(String expert, Collection<Integer> scores) {
    int[] counts = new int[K];
    scores.forEach(score -> counts[Scores.require(score) - 1]++);
    List<Integer> countList = new ArrayList<>(K);
    List<Double> fractions = new ArrayList<>(K);
    for (int count : counts) {
      countList.add(count);
      fractions.add(scores.isEmpty() ? 0.0 : (double) count / scores.size());
    }
    return new ScoreDistribution(expert, scores.size(), countList, fractions);
  }

  /**
   * Cohen's kappa of a K×K confusion matrix (rows: A's score, columns: B's); null when it is
   * undefined (no items, or p_e = 1 because both experts gave one and the same score throughout).
   */
  static Double cohensKappa(int[][] confusion) {
    long n = 0;
    long diagonal = 0;
    long[] rows = new long[confusion.length];
    long[] columns = new long[confusion.length];
    for (int s = 0; s < confusion.length; s++) {
      for (int t = 0; t < confusion.length; t++) {
        n += confusion[s][t];
        rows[s] += confusion[s][t];
        columns[t] += confusion[s][t];
      }
      diagonal += confusion[s][s];
    }
    if (n == 0) {
      return null;
    }
    double observed = (double) diagonal / n;
    double expected = 0;
    for (int s = 0; s < confusion.length; s++) {
      expected += ((double) rows[s] / n) * ((double) columns[s] / n);
    }
    if (expected >= 1.0) {
      return null;
    }
    return (observed - expected) / (1 - expected);
  }
}
