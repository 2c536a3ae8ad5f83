package org.ugda.reward.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import org.ugda.api.policy.PolicyClient;
import org.ugda.api.policy.RunRewards;
import org.ugda.api.reward.JobKind;
import org.ugda.api.reward.LabelledSample;
import org.ugda.api.reward.RefineRequest;
import org.ugda.api.reward.ScoreItem;
import org.ugda.core.reward.QuantileTargets;
import org.ugda.core.reward.RewardTrainer;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.config.ServicesProperties;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.job.JobRunner;
import org.ugda.reward.runtime.LoadedVersion;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.runtime.RewardCodec;
import org.ugda.support.problem.UnavailableException;

/**
 * Refine job (Eq. 13-14). Each expert label j in 1..5 becomes, for member i, the (20 j)-th
 * percentile of member i's rewards over the interaction log plus N(0, sigma^2) noise (sigma 0.1 by
 * default); every member then regresses on its own targets with MSE, starting from the source
 * version's weights. The result is a new version; the source keeps serving. The job reports each
 * member's MSE to its targets before and after, and how far its weights moved.
 */
@Component
class RefineRunner implements JobRunner<RefineRequest> {
  private final EnsembleService ensembles;
  private final ModelRegistry registry;
  private final RewardProperties props;
  private final ServicesProperties services;
  private final PolicyClient policy;

  RefineRunner(
      EnsembleService ensembles,
      ModelRegistry registry,
      RewardProperties props,
      ServicesProperties services,
      PolicyClient policy) {
    this.ensembles = ensembles;
    this.registry = registry;
    this.props = props;
    this.services = services;
    this.policy = policy;
  }

  @Override
  public JobKind kind() {
    return JobKind.REFINE;
  }

  @Override
  public Class<RefineRequest> requestType() {
    return RefineRequest.class;
  }

  @Override
  public RefineRequest validate(UUID ensembleId, RefineRequest req) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    ensembles.version(ensembleId, req.fromVersion());
    registry.base(e.baseModel()).requireCodec();
    if (req.logRewards() != null) {
      requireOneListPerMember(req.logRewards(), e.members());
    }
    if (req.runId() != null && !services.hasPolicyService()) {
      throw new IllegalArgumentException(
          "runId needs ugda.services.policy-url (the policy-service to fetch the run's "
              + "rewards from); or send logRewards or logSamples instead");
    }
    Settings.of(req.training(), props.training(), e.seed());
    return req;
  }

  private static void requireOneListPerMember(List<List<Double>> log, int members) {
    if (log.size() != members) {
      throw new IllegalArgumentException(
          "logRewards needs one list per member: " + members + " lists, got " + log.size());
    }
  }

  @Override
  public Map<String, Object> run(UUID jobId, UUID ensembleId, RefineRequest req, JobContext ctx) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    VersionEntity from = ensembles.version(ensembleId, req.fromVersion());
    TrainConfig cfg = Settings.of(req.training(), props.training(), e.seed());
    double sigma = req.sigma() == null ? 0.1 : req.sigma();
    long seed = req.seed() == null ? e.seed() : req.seed();
    RewardCodec codec = registry.base(e.baseModel()).requireCodec();
    int maxTokens = props.limits().maxTokens();
    List<long[]> labelled = new ArrayList<>();
    int[] labels = new int[req.labels().size()];
    for (int s = 0; s < labels.length; s++) {
      LabelledSample l = req.labels().get(s);
      labelled.add(codec.encode(l.prompt(), l.response(), maxTokens).ids());
      labels[s] = l.label();
    }
    try (ModelRegistry.Lease lease = registry.lease(e, from)) {
      LoadedVersion source = lease.version();
      int k = e.members();
      float[][] log = logDistribution(req, source, codec, maxTokens, k, ensembleId, from.number());
      float[][] targets = QuantileTargets.targets(log, labels, sigma, seed);
      float[][] before = source.score(labelled);
      try (MemberAdapters members = new MemberAdapters(source, jobId)) {
        var model = source.base().model();
        Map<String, Object> live = new LinkedHashMap<>();
        int adapters = members.names().size();
        int stepsEach = cfg.steps(labelled.size());
        for (int a = 0; a < adapters; a++) {
          List<RewardTrainer.Target> t = new ArrayList<>();
          for (int s = 0; s < labelled.size(); s++) {
            float[] values = new float[e.headsMode() ? k : 1];
            for (int w = 0; w < values.length; w++) {
              values[w] = targets[e.headsMode() ? w : a][s];
            }
            t.add(new RewardTrainer.Target(labelled.get(s), values));
          }
          final int member = a;
          TrainingLoop.Result r =
              RewardTrainer.regress(
                  model,
                  members.names().get(a),
                  t,
                  cfg.withSeed(cfg.seed() + a),
                  (step, total, loss, acc) -> {
                    live.put("member", member);
                    live.put("step", step);
                    live.put("loss", loss);
                    ctx.progress(
                        (member * (double) stepsEach + step) / (adapters * (double) stepsEach),
                        live);
                  },
                  ctx::cancelled);
          live.put("member" + a + "Steps", r.steps());
        }
        float[][] after = scoreWith(model, members.names(), e.headsMode(), k, labelled);
        List<Map<String, Object>> perMember = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("mseBefore", mse(before, targets[i], i));
          m.put("mseAfter", mse(after, targets[i], i));
          m.put("quantiles", quantiles(log[i]));
          m.put("movement", members.movement(e.headsMode() ? 0 : i));
          perMember.add(m);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("labels", labels.length);
        metrics.put("logSize", log[0].length);
        metrics.put("sigma", sigma);
        metrics.put("seed", seed);
        metrics.put("members", perMember);
        metrics.put("training", cfg);
        int number =
            ensembles.publishVersion(e, from.number(), "refine", jobId, members.names(), metrics);
        Map<String, Object> result = new LinkedHashMap<>(metrics);
        result.put("version", number);
        result.put("fromVersion", from.number());
        return result;
      }
    }
  }

  private float[][] logDistribution(
      RefineRequest req,
      LoadedVersion source,
      RewardCodec codec,
      int maxTokens,
      int k,
      UUID ensembleId,
      int version) {
    List<List<Double>> rows;
    if (req.logRewards() != null) {
      rows = req.logRewards();
    } else if (req.logSamples() != null) {
      List<long[]> seqs = new ArrayList<>();
      for (ScoreItem it : req.logSamples()) {
        seqs.add(codec.encode(it.prompt(), it.response(), maxTokens).ids());
      }
      float[][] scored = source.score(seqs);
      float[][] out = new float[k][scored.length];
      for (int s = 0; s < scored.length; s++) {
        for (int i = 0; i < k; i++) {
          out[i][s] = scored[s][i];
        }
      }
      return out;
    } else {
      rows = fetchRun(req.runId(), ensembleId, version, k);
    }
    float[][] out = new float[k][];
    for (int i = 0; i < k; i++) {
      out[i] = new float[rows.get(i).size()];
      for (int s = 0; s < out[i].length; s++) {
        out[i][s] = rows.get(i).get(s).floatValue();
      }
    }
    return out;
  }

  /** What policy-service sent for a run: one non-empty list of finite rewards per member. */
  private static void requireRunRewards(List<List<Double>> rows, int members, String runId) {
    if (rows.size() != members) {
      throw new IllegalArgumentException(
          "run "
              + runId
              + " logged rewards of "
              + rows.size()
              + " members; this ensemble has "
              + members);
    }
    for (int i = 0; i < rows.size(); i++) {
      List<Double> member = rows.get(i);
      if (member == null
          || member.isEmpty()
          || member.stream().anyMatch(d -> d == null || !Double.isFinite(d))) {
        throw new IllegalArgumentException(
            "run " + runId + ": member " + i + "'s logged rewards are empty or not all finite");
      }
    }
  }

  /**
   * The rewards policy-service logged for a run with this version: one list per member, each
   * non-empty and finite (what a request's logRewards must be).
   */
  private List<List<Double>> fetchRun(String runId, UUID ensembleId, int version, int members) {
    RunRewards run;
    try {
      run = policy.runRewards(runId, ensembleId, version);
    } catch (RestClientException ex) {
      throw new UnavailableException(
          "cannot fetch run "
              + runId
              + " from policy-service at "
              + services.policyUrl()
              + ": "
              + ex.getMessage());
    }
    if (run == null || run.members() == null) {
      throw new UnavailableException(
          "policy-service answered without a \"members\" list for run " + runId);
    }
    requireRunRewards(run.members(), members, runId);
    return run.members();
  }

  private static float[][] scoreWith(
      org.ugda.core.model.Transformer m,
      List<String> names,
      boolean heads,
      int k,
      List<long[]> seqs) {
    if (heads) {
      return RewardTrainer.score(m, names.get(0), seqs, 64);
    }
    float[][] out = new float[seqs.size()][k];
    for (int i = 0; i < k; i++) {
      float[][] s = RewardTrainer.score(m, names.get(i), seqs, 64);
      for (int r = 0; r < s.length; r++) {
        out[r][i] = s[r][0];
      }
    }
    return out;
  }

  private static double mse(float[][] scores, float[] targets, int member) {
    double s = 0;
    for (int r = 0; r < targets.length; r++) {
      double d = scores[r][member] - targets[r];
      s += d * d;
    }
    return s / targets.length;
  }

  private static List<Double> quantiles(float[] log) {
    List<Double> q = new ArrayList<>();
    for (int j = 1; j <= 5; j++) {
      q.add(QuantileTargets.percentile(log, 20.0 * j));
    }
    return q;
  }
}
