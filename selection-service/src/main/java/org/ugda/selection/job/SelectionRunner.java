package org.ugda.selection.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.binary.FloatMatrix;
import org.ugda.api.binary.FloatMatrixFormatException;
import org.ugda.api.policy.FeatureRequest;
import org.ugda.api.policy.PolicyClient;
import org.ugda.api.policy.RolloutPage;
import org.ugda.api.policy.RolloutView;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SelectionCheckpoint;
import org.ugda.api.selection.ValidationExample;
import org.ugda.api.selection.ValidationSubtask;
import org.ugda.selection.config.SelectionProperties;
import org.ugda.selection.influence.Directions;
import org.ugda.selection.influence.Selector;
import org.ugda.support.problem.Problems;

/**
 * One selection's work: read the run's log page by page (storing each page as the job's samples and
 * keeping only id and variance per sample in memory), decide the pool from the variances, build
 * every subtask's validation direction at each checkpoint, score the pool's training features in
 * batches of {@code ugda.selection.feature-batch} (a batch's features are dropped once scored) and
 * write the outcome of every sample in one transaction.
 */
@Component
class SelectionRunner {
  private final SelectionStore store;
  private final PolicyClient policy;
  private final SelectionProperties props;
  private final TransactionTemplate tx;

  SelectionRunner(
      SelectionStore store,
      PolicyClient policy,
      SelectionProperties props,
      TransactionTemplate tx) {
    this.store = store;
    this.policy = policy;
    this.props = props;
    this.tx = tx;
  }

  void run(UUID id, CreateSelection r, Map<Integer, Double> weightsByEpoch, BooleanSupplier stop) {
    store.clearSamples(id);
    UUID runId = r.runId();
    // 1. the log, page by page
    long[] ids = new long[1024];
    double[] variance = new double[1024];
    int n = 0;
    String after = null;
    do {
      checkStop(stop);
      String cursor = after;
      RolloutPage page =
          withRetry(
              () -> policy.rollouts(runId, cursor, props.logPageSize(), null, null, null),
              "read the log of run " + runId);
      List<RolloutView> items = page.items() == null ? List.of() : page.items();
      if (!items.isEmpty()) {
        store.insertSamples(id, items);
      }
      for (RolloutView v : items) {
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, n * 2);
          variance = Arrays.copyOf(variance, n * 2);
        }
        ids[n] = v.id();
        variance[n] = v.rewardVariance();
        n++;
      }
      store.progress(id, progress("log", n, 0, 0));
      after = page.next();
    } while (after != null);
    ids = Arrays.copyOf(ids, n);
    variance = Arrays.copyOf(variance, n);

    // 2. the pool, from the variances alone
    List<SelectionCheckpoint> cps = r.checkpoints() == null ? List.of() : r.checkpoints();
    double[] weights = new double[cps.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = weightsByEpoch.get(cps.get(i).epoch());
    }
    List<ValidationSubtask> subtasks = r.validation() == null ? List.of() : r.validation();
    Selector.Plan plan = Selector.Plan.of(r, weights, subtasks.size());
    Selector.Pool pool = Selector.pool(ids, variance, plan);

    // 3. the influence of the pool, a checkpoint at a time
    long[] logIds = ids;
    int total = pool.influenceRows().length * cps.size();
    int[] scored = {0};
    int logSize = n;
    Selector.Result result =
        Selector.select(
            ids,
            pool,
            plan,
            (ci, rows, sink) -> {
              int epoch = cps.get(ci).epoch();
              store.progress(id, progress("validation", logSize, scored[0], total));
              float[][] w = directions(runId, epoch, r, subtasks, stop);
              double[] out = new double[subtasks.size()];
              int batch = props.featureBatch();
              for (int from = 0; from < rows.length; from += batch) {
                checkStop(stop);
                int to = Math.min(rows.length, from + batch);
                List<Long> want = new ArrayList<>(to - from);
                for (int t = from; t < to; t++) {
                  want.add(logIds[rows[t]]);
                }
                FloatMatrix f =
                    features(
                        runId,
                        epoch,
                        new FeatureRequest(want, null, r.direction(), r.dim(), r.seed()),
                        want.size());
                for (int t = from; t < to; t++) {
                  Directions.score(f.row(t - from), w, out);
                  sink.accept(rows[t], out.clone());
                }
                scored[0] += to - from;
                store.progress(id, progress("features", logSize, scored[0], total));
              }
            });

    // 4. the outcome of every sample, at once
    checkStop(stop);
    store.progress(id, progress("storing", n, scored[0], total));
    List<SelectionStore.Outcome> outcomes = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      Map<String, Double> influence = null;
      Map<String, Map<String, Double>> cosines = null;
      if (result.influence()[s] != null) {
        influence = named(subtasks, result.influence()[s]);
        cosines = new LinkedHashMap<>();
        for (int i = 0; i < cps.size(); i++) {
          cosines.put(
              Integer.toString(cps.get(i).epoch()), named(subtasks, result.cosines()[s][i]));
        }
      }
      int rank = pool.varianceRank()[s];
      outcomes.add(
          new SelectionStore.Outcome(
              ids[s],
              rank,
              (double) rank / n,
              pool.passed()[s],
              influence,
              cosines,
              Double.isNaN(result.aggregate()[s]) ? null : result.aggregate()[s],
              result.influenceRank()[s] == 0 ? null : result.influenceRank()[s],
              result.kept()[s]));
    }
    tx.executeWithoutResult(
        st -> {
          store.storeOutcomes(id, outcomes);
          store.finishSizes(
              id, logSize, pool.trainSize(), result.keptSize(), result.effectiveEta());
          store.progress(id, progress("done", logSize, scored[0], total));
        });
  }

  /** Each subtask's validation direction at the checkpoint (plain gradients: Eq. 10's v). */
  private float[][] directions(
      UUID runId,
      int epoch,
      CreateSelection r,
      List<ValidationSubtask> subtasks,
      BooleanSupplier stop) {
    float[][] w = new float[subtasks.size()][];
    for (int j = 0; j < subtasks.size(); j++) {
      Directions.Builder b = new Directions.Builder(r.influence(), r.dim());
      List<ValidationExample> ex = subtasks.get(j).examples();
      for (int from = 0; from < ex.size(); from += props.featureBatch()) {
        checkStop(stop);
        int to = Math.min(ex.size(), from + props.featureBatch());
        List<FeatureRequest.FeatureSample> samples = new ArrayList<>(to - from);
        for (ValidationExample e : ex.subList(from, to)) {
          samples.add(FeatureRequest.FeatureSample.text(e.prompt(), e.response()));
        }
        FloatMatrix f =
            features(
                runId,
                epoch,
                new FeatureRequest(null, samples, FeatureRequest.Mode.PLAIN, r.dim(), r.seed()),
                samples.size());
        for (int t = 0; t < samples.size(); t++) {
          b.add(f.row(t));
        }
      }
      w[j] = b.build();
    }
    return w;
  }

  private FloatMatrix features(UUID runId, int epoch, FeatureRequest req, int rows) {
    byte[] body =
        withRetry(
            () -> policy.features(runId, epoch, req),
            "compute gradient features at checkpoint " + epoch + " of run " + runId);
    FloatMatrix f;
    try {
      f = FloatMatrices.fromBytes(body);
    } catch (FloatMatrixFormatException e) {
      throw new IllegalStateException(
          "policy-service answered features that are not a float matrix: " + e.getMessage(), e);
    }
    if (f.shape().length != 2 || f.rows() != rows || f.rowLength() != req.dim()) {
      throw new IllegalStateException(
          "policy-service answered features of shape "
              + Arrays.toString(f.shape())
              + "; expected ["
              + rows
              + ", "
              + req.dim()
              + "]");
    }
    return f;
  }

  private static Map<String, Double> named(List<ValidationSubtask> subtasks, double[] v) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int j = 0; j < subtasks.size(); j++) {
      m.put(subtasks.get(j).name(), v[j]);
    }
    return m;
  }

  private static Map<String, Object> progress(String phase, int read, int scored, int total) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("phase", phase);
    p.put("samplesRead", read);
    p.put("featuresScored", scored);
    p.put("featuresTotal", total);
    return p;
  }

  private static void checkStop(BooleanSupplier stop) {
    if (stop.getAsBoolean()) {
      throw new CancellationException("cancelled on request");
    }
  }

  /**
   * Calls policy-service, waiting and retrying (1, 2, 4, 8 s) while it cannot be reached; an error
   * answer fails the selection with the service's words.
   */
  private static <T> T withRetry(Supplier<T> call, String what) {
    Duration wait = Duration.ofSeconds(1);
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ResourceAccessException down) {
        if (attempt == 5) {
          throw new IllegalStateException(
              "policy-service could not be reached to "
                  + what
                  + " after "
                  + attempt
                  + " tries; resume the selection when it is up",
              down);
        }
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while waiting for policy-service");
        }
        wait = wait.multipliedBy(2);
      } catch (RestClientResponseException e) {
        throw new IllegalStateException(
            "policy-service answered "
                + e.getStatusCode().value()
                + " to "
                + what
                + ": "
                + Problems.cut(e.getResponseBodyAsString()),
            e);
      }
    }
  }
}
