package org.ugda.api.reward;

import java.util.ArrayList;
import java.util.List;
import org.ugda.api.check.RequestChecks;

/**
 * Refines every member (Eq. 13-14) from {@code fromVersion} (null: the latest): label j maps to the
 * (20 j)-th percentile of each member's rewards over the interaction log, plus Gaussian noise with
 * standard deviation {@code sigma} (default 0.1), and each member regresses on its own targets with
 * MSE.
 *
 * <p>The log's reward distribution comes from exactly one of: {@code logRewards} (per member, as
 * logged), {@code logSamples} (scored here by {@code fromVersion}), or {@code runId} (fetched from
 * policy-service).
 *
 * @param fromVersion 1 or more; null: the latest
 * @param labels the expert labels, 1 to {@value #MAX_LABELS}
 * @param logRewards one list of rewards per member (the service checks there are k), each non-empty
 *     and finite
 * @param logSamples the log's (prompt, response) items to score with {@code fromVersion}, at least
 *     one
 * @param runId a policy-service run whose logged rewards to fetch
 * @param sigma noise on the targets, in [0, 10] (default 0.1, the paper's)
 * @param seed of the noise; default the ensemble's seed
 * @param training optimizer settings; null fields take the service's defaults
 */
public record RefineRequest(
    Integer fromVersion,
    List<LabelledSample> labels,
    List<List<Double>> logRewards,
    List<ScoreItem> logSamples,
    String runId,
    Double sigma,
    Long seed,
    TrainingSettings training) {

  /** The most labels one refine job takes. */
  public static final int MAX_LABELS = 100_000;

  public RefineRequest {
    RequestChecks.version(fromVersion, "fromVersion");
    labels = requireLabels(labels);
    int sources =
        (logRewards != null ? 1 : 0) + (logSamples != null ? 1 : 0) + (runId != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException(
          "give the interaction log's reward distribution by exactly one of logRewards "
              + "(per member), logSamples (scored here) or runId (fetched from policy-service); got "
              + sources);
    }
    if (logRewards != null) {
      logRewards = requireLogRewards(logRewards);
    }
    if (logSamples != null) {
      logSamples = requireLogSamples(logSamples);
    }
    if (runId != null) {
      RequestChecks.notBlank(runId, "runId", "the policy-service run whose logged rewards to use");
    }
    RequestChecks.range(sigma, "sigma", 0, 10);
  }

  private static List<LabelledSample> requireLabels(List<LabelledSample> labels) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("labels must hold at least one {prompt, response, label}");
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException(
          "labels: at most " + MAX_LABELS + " per refine job, got " + labels.size());
    }
    for (int i = 0; i < labels.size(); i++) {
      String where = "labels[" + i + "]";
      if (labels.get(i) == null) {
        throw new IllegalArgumentException(where + " needs prompt and response");
      }
      labels.get(i).requireValid(where);
    }
    return List.copyOf(labels);
  }

  private static List<ScoreItem> requireLogSamples(List<ScoreItem> samples) {
    List<ScoreItem> checked = ScoreItem.requireItems(samples, "logSamples", "{prompt, response}");
    for (int i = 0; i < checked.size(); i++) {
      if (checked.get(i).tokenIds() != null) {
        throw new IllegalArgumentException(
            "logSamples["
                + i
                + "] has tokenIds; the log is scored as text: send prompt and response");
      }
    }
    return checked;
  }

  private static List<List<Double>> requireLogRewards(List<List<Double>> log) {
    if (log.isEmpty()) {
      throw new IllegalArgumentException("logRewards needs one list of rewards per member");
    }
    List<List<Double>> copy = new ArrayList<>(log.size());
    for (int i = 0; i < log.size(); i++) {
      List<Double> member = log.get(i);
      if (member == null || member.isEmpty()) {
        throw new IllegalArgumentException("logRewards[" + i + "] is empty");
      }
      for (Double d : member) {
        if (d == null || !Double.isFinite(d)) {
          throw new IllegalArgumentException(
              "logRewards[" + i + "] holds a non-finite or missing value");
        }
      }
      copy.add(List.copyOf(member));
    }
    return List.copyOf(copy);
  }
}
