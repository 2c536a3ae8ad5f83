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
import org.ugda.core.model.Transformer;
import org.ugda.core.reward.QuantileTargets;
import org.ugda.core.reward.RewardTrainer;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.config.ServicesProperties;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.job.JobRunner;
import org.ugda.reward.runtime.LoadedVersion;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.runtime.RewardCodec;
import org.ugda.support.problem.TooLargeException;
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
  /** Standard deviation of the targets' noise when the request gives none (the paper's 0.1). */
  static final double DEFAULT_SIGMA = 0.1;

  private final EnsembleService ensembles;
  private final ModelRegistry registry;
  private final RewardProperties props;
  private final RewardLimits limits;
  private final ServicesProperties services;
  private final PolicyClient policy;

  RefineRunner(
      EnsembleService ensembles,
      ModelRegistry registry,
      RewardProperties props,
      RewardLimits limits,
      ServicesProperties services,
      PolicyClient policy) {
    this.ensembles = ensembles;
    this.registry = registry;
    this.props = props;
    this.limits = limits;
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
    EnsembleEntity e = Runs.checkedEnsemble(ensembles, registry, ensembleId, req.fromVersion());
    if (req.logRewards() != null) {
      requireOneListPerMember(req.logRewards(), e.members());
    }
    if (req.runId() != null && !services.hasPolicyService()) {
      throw new IllegalArgumentException(
          "runId needs ugda.services.policy-url (the policy-service to fetch the run's "
              + "rewards from); or send logRewards or logSamples instead");
    }
    TrainConfig cfg =
        TrainConfigResolver.resolve(req.training(), props.training(), e.seed(), limits);
    requireWithinLimits(req);
    TrainRunner.requireExamples("labels", req.labels().size(), cfg, e, limits);
    return req;
  }

  /** The labels and the interaction log against {@code ugda.reward.limits.*}. */
  private void requireWithinLimits(RefineRequest req) {
    RewardLimits.atMost(
        "the number of labels", req.labels().size(), limits.maxLabels(), "max-labels");
    for (int i = 0; i < req.labels().size(); i++) {
      LabelledSample l = req.labels().get(i);
      requireText("labels[" + i + "]", l.prompt(), l.response());
    }
    if (req.logRewards() != null) {
      for (int i = 0; i < req.logRewards().size(); i++) {
        RewardLimits.atMost(
            "the number of rewards in logRewards[" + i + "]",
            req.logRewards().get(i).size(),
            limits.maxLogSize(),
            "max-log-size");
      }
    }
    if (req.logSamples() != null) {
      RewardLimits.atMost(
          "the number of logSamples", req.logSamples().size(), limits.maxLogSize(), "max-log-size");
      for (int i = 0; i < req.logSamples().size(); i++) {
        ScoreItem it = req.logSamples().get(i);
        requireText("logSamples[" + i + "]", it.prompt(), it.response());
      }
    }
  }

  /** A prompt and response within {@code max-text-chars}: 413 beyond, as when scoring. */
  private void requireText(String where, String prompt, String response) {
    if (prompt.length() > limits.maxTextChars() || response.length() > limits.maxTextChars()) {
      throw new TooLargeException(
          where
              + " has a text longer than "
              + limits.maxTextChars()
              + " characters ("
              + RewardLimits.PREFIX
              + "max-text-chars)");
    }
  }

  private static void requireOneListPerMember(List<List<Double>> log, int members) {
    if (log.size() != members) {
      throw new IllegalArgumentException(
          "logRewards needs one list per member: " + members + " lists, got " + log.size());
    }
  }

  /**
   * Refines every member of {@code fromVersion} into a new version, in six steps: (1) encode the
   * labelled samples, (2) every member's reward distribution over the interaction log, (3) the
   * quantile targets of Eq. 13, (4) each member's regression on its own targets (Eq. 14), (5) the
   * report, (6) the new version.
   */
  @Override
  public Map<String, Object> run(UUID jobId, UUID ensembleId, RefineRequest req, JobContext ctx) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    VersionEntity from = ensembles.version(ensembleId, req.fromVersion());
    TrainConfig cfg =
        TrainConfigResolver.resolve(req.training(), props.training(), e.seed(), limits);
    double sigma = req.sigma() == null ? DEFAULT_SIGMA : req.sigma();
    long seed = req.seed() == null ? e.seed() : req.seed();
    RewardCodec codec = registry.base(e.baseModel()).requireCodec();
    // 1. the labelled samples as the reward model reads them
    Labelled labelled = encodeLabels(req.labels(), codec);
    try (ModelRegistry.Lease lease = registry.lease(e, from)) {
      LoadedVersion source = lease.version();
      // 2. every member's rewards over the interaction log
      float[][] log = logDistribution(req, source, codec, e.members(), ensembleId, from.number());
      // 3. Eq. 13: each member's targets from its own log quantiles
      float[][] targets = quantileTargets(log, labelled.labels(), sigma, seed);
      float[][] before = source.score(labelled.sequences());
      try (MemberAdapters members = new MemberAdapters(source, jobId)) {
        // 4. Eq. 14: each member regresses on its targets, from the source weights
        regress(members, e, labelled.sequences(), targets, cfg, ctx);
        // 5. what changed, per member
        Map<String, Object> metrics =
            report(e, members, labelled, log, targets, before, sigma, seed, cfg);
        // 6. the refined members as the next version
        // step 6: the refined members become the ensemble's next version; the job's result
        return Runs.publish(ensembles, e, from, "refine", jobId, members, metrics);
      }
    }
  }

  /**
   * The labelled samples as token sequences, their labels in the same order, the token limit that
   * applied (the smaller of max-tokens and the model's positions) and how many were cut to it.
   */
  private record Labelled(List<long[]> sequences, int[] labels, int maxTokens, int truncated) {}

  /** Step 1: every labelled (prompt, response) encoded as the reward model reads it. */
  private Labelled encodeLabels(List<LabelledSample> samples, RewardCodec codec) {
    int maxTokens = codec.limit(limits.maxTokens());
    List<long[]> sequences = new ArrayList<>(samples.size());
    int[] labels = new int[samples.size()];
    int truncated = 0;
    for (int s = 0; s < labels.length; s++) {
      LabelledSample l = samples.get(s);
      RewardCodec.Encoded encoded = codec.encode(l.prompt(), l.response(), maxTokens);
      sequences.add(encoded.ids());
      truncated += encoded.dropped() > 0 ? 1 : 0;
      labels[s] = l.label();
    }
    return new Labelled(sequences, labels, maxTokens, truncated);
  }

  /**
   * Step 2: each member's rewards over the interaction log, [member][sample], from exactly one of
   * the request's sources: the rewards as logged, the log's samples scored here by the source
   * version, or the run's rewards fetched from policy-service.
   */
  private float[][] logDistribution(
      RefineRequest req,
      LoadedVersion source,
      RewardCodec codec,
      int members,
      UUID ensembleId,
      int version) {
    if (req.logRewards() != null) {
      return byMember(req.logRewards());
    }
    if (req.logSamples() != null) {
      return scoreLog(req.logSamples(), source, codec, members);
    }
    return byMember(fetchRun(req.runId(), ensembleId, version, members));
  }

  private static float[][] byMember(List<List<Double>> rows) {
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[rows.get(i).size()];
      for (int s = 0; s < out[i].length; s++) {
        out[i][s] = rows.get(i).get(s).floatValue();
      }
    }
    return out;
  }

  private float[][] scoreLog(
      List<ScoreItem> samples, LoadedVersion source, RewardCodec codec, int members) {
    int maxTokens = codec.limit(limits.maxTokens());
    List<long[]> sequences = new ArrayList<>(samples.size());
    for (ScoreItem it : samples) {
      sequences.add(codec.encode(it.prompt(), it.response(), maxTokens).ids());
    }
    float[][] scored = source.score(sequences);
    float[][] out = new float[members][scored.length];
    for (int s = 0; s < scored.length; s++) {
      for (int i = 0; i < members; i++) {
        out[i][s] = scored[s][i];
      }
    }
    return out;
  }

  /**
   * Step 3, Eq. 13: label j of sample s becomes, for member i, the (20 j)-th percentile of member
   * i's log rewards plus N(0, sigma^2) noise; [member][sample].
   */
  private static float[][] quantileTargets(float[][] log, int[] labels, double sigma, long seed) {
    return QuantileTargets.targets(log, labels, sigma, seed);
  }

  /**
   * Step 4, Eq. 14: every member's adapter regresses (MSE) on that member's targets, from the
   * source version's weights, member a with seed + a. A heads-mode trunk regresses all k heads on
   * their targets at once.
   */
  private static void regress(
      MemberAdapters members,
      EnsembleEntity e,
      List<long[]> sequences,
      float[][] targets,
      TrainConfig cfg,
      JobContext ctx) {
    Transformer model = members.model();
    Map<String, Object> live = new LinkedHashMap<>();
    int adapters = members.names().size();
    int stepsEach = cfg.steps(sequences.size());
    for (int a = 0; a < adapters; a++) {
      final int member = a;
      TrainingLoop.Result r =
          RewardTrainer.regress(
              model,
              members.names().get(a),
              adapterTargets(sequences, targets, e.headsMode(), a),
              cfg.withSeed(cfg.seed() + a),
              (step, total, loss, acc) -> {
                live.put("member", member);
                live.put("step", step);
                live.put("loss", loss);
                ctx.progress(
                    (member * (double) stepsEach + step) / (adapters * (double) stepsEach), live);
              },
              ctx::cancelled);
      live.put("member" + a + "Steps", r.steps());
    }
    // the last step's report came before the last adapter's step count: report them all
    ctx.progress(1, live);
  }

  /**
   * What adapter {@code a} regresses on: its member's target per sample, or in heads mode every
   * member's target per sample (one per head output).
   */
  private static List<RewardTrainer.Target> adapterTargets(
      List<long[]> sequences, float[][] targets, boolean heads, int a) {
    List<RewardTrainer.Target> out = new ArrayList<>(sequences.size());
    for (int s = 0; s < sequences.size(); s++) {
      float[] values = new float[heads ? targets.length : 1];
      for (int w = 0; w < values.length; w++) {
        values[w] = targets[heads ? w : a][s];
      }
      out.add(new RewardTrainer.Target(sequences.get(s), values));
    }
    return out;
  }

  /**
   * Step 5: per member, the MSE to its targets before ({@code before}: the source version's scores)
   * and after, its log's quintiles (the targets of labels 1..5 without noise) and how far its
   * weights moved; and the settings used.
   */
  private static Map<String, Object> report(
      EnsembleEntity e,
      MemberAdapters members,
      Labelled labelled,
      float[][] log,
      float[][] targets,
      float[][] before,
      double sigma,
      long seed,
      TrainConfig cfg) {
    float[][] after =
        scoreWith(
            members.model(), members.names(), e.headsMode(), e.members(), labelled.sequences());
    List<Map<String, Object>> perMember = new ArrayList<>();
    for (int i = 0; i < e.members(); i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mseBefore", mse(before, targets[i], i));
      m.put("mseAfter", mse(after, targets[i], i));
      m.put("quantiles", quantiles(log[i]));
      m.put("movement", members.movement(e.headsMode() ? 0 : i));
      perMember.add(m);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("labels", labelled.labels().length);
    metrics.put("maxTokens", labelled.maxTokens());
    metrics.put("truncatedLabels", labelled.truncated());
    metrics.put("logSize", log[0].length);
    metrics.put("sigma", sigma);
    metrics.put("seed", seed);
    metrics.put("members", perMember);
    metrics.put("training", cfg);
    return metrics;
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
    for (int i = 0; i < members; i++) {
      RewardLimits.atMost(
          "the number of rewards run " + runId + " logged for member " + i,
          run.members().get(i).size(),
          limits.maxLogSize(),
          "max-log-size");
    }
    return run.members();
  }

  /** Every member's reward of each sequence, [n][k], with the job's adapters. */
  private static float[][] scoreWith(
      Transformer m, List<String> names, boolean heads, int k, List<long[]> seqs) {
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
