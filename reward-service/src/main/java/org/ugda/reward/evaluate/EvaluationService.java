package org.ugda.reward.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.ugda.api.reward.AccuracyReport;
import org.ugda.api.reward.EvaluateRequest;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.dataset.DatasetService;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.runtime.LoadedVersion;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.runtime.RewardCodec;
import org.ugda.world.data.PreferencePair;

/**
 * Pairwise accuracy of each member and of the ensemble mean on preference pairs: a pair counts as
 * right when the chosen response gets the strictly higher reward. Reported overall and per subset
 * (helpful, harmless, or a RewardBench subset).
 */
@Service
public class EvaluationService {
  private final EnsembleService ensembles;
  private final DatasetService datasets;
  private final ModelRegistry registry;
  private final RewardLimits limits;

  EvaluationService(
      EnsembleService ensembles,
      DatasetService datasets,
      ModelRegistry registry,
      RewardLimits limits) {
    this.ensembles = ensembles;
    this.datasets = datasets;
    this.registry = registry;
    this.limits = limits;
  }

  public AccuracyReport evaluate(UUID ensembleId, EvaluateRequest req) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    VersionEntity v = ensembles.version(ensembleId, req.version());
    List<PreferencePair> pairs =
        datasets.pairs(req.dataset(), limits.maxEvalPairs(), "max-eval-pairs");
    RewardCodec codec = registry.base(e.baseModel()).requireCodec();
    int k = e.members();
    Map<String, long[]> right = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    // the model's max_position_embeddings caps it where smaller (RewardCodec.limit)
    int maxTokens = codec.limit(limits.maxTokens());
    try (ModelRegistry.Lease lease = registry.lease(e, v)) {
      LoadedVersion lv = lease.version();
      for (int from = 0; from < pairs.size(); from += 32) {
        List<PreferencePair> part = pairs.subList(from, Math.min(pairs.size(), from + 32));
        List<long[]> seqs = new ArrayList<>();
        for (PreferencePair p : part) {
          seqs.add(codec.encode(p.prompt(), p.chosen(), maxTokens).ids());
        }
        for (PreferencePair p : part) {
          seqs.add(codec.encode(p.prompt(), p.rejected(), maxTokens).ids());
        }
        float[][] s = lv.score(seqs);
        for (int i = 0; i < part.size(); i++) {
          float[] c = s[i];
          float[] r = s[part.size() + i];
          List<String> keys = new ArrayList<>(List.of(""));
          if (!part.get(i).subset().isEmpty()) {
            keys.add(part.get(i).subset());
          }
          for (String subset : keys) {
            long[] acc = right.computeIfAbsent(subset, x -> new long[k + 1]);
            counts.merge(subset, 1, Integer::sum);
            double mc = 0;
            double mr = 0;
            for (int m = 0; m < k; m++) {
              acc[m] += c[m] > r[m] ? 1 : 0;
              mc += c[m];
              mr += r[m];
            }
            acc[k] += mc > mr ? 1 : 0;
          }
        }
      }
    }
    Map<String, AccuracyReport.SubsetAccuracy> subsets = new LinkedHashMap<>();
    for (var en : right.entrySet()) {
      if (en.getKey().isEmpty()) {
        continue;
      }
      int n = counts.get(en.getKey());
      subsets.put(
          en.getKey(),
          new AccuracyReport.SubsetAccuracy(
              n, members(en.getValue(), k, n), en.getValue()[k] / (double) n));
    }
    long[] all = right.get("");
    int n = counts.get("");
    return new AccuracyReport(
        e.id(), v.number(), n, members(all, k, n), all[k] / (double) n, subsets);
  }

  private static List<Double> members(long[] acc, int k, int n) {
    List<Double> out = new ArrayList<>();
    for (int m = 0; m < k; m++) {
      out.add(acc[m] / (double) n);
    }
    return out;
  }
}
