package org.ugda.reward.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.ugda.api.reward.JobKind;
import org.ugda.api.reward.TrainRequest;
import org.ugda.core.reward.RewardTrainer;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.dataset.DatasetService;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.job.JobRunner;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.runtime.RewardCodec;
import org.ugda.world.data.PreferencePair;

/**
 * Train job (Eq. 1): every member minimises the Bradley-Terry loss on the pairs, from the given
 * version's weights, member i with data order seed + i (and, since creation, its own initialisation
 * seed). A heads-mode ensemble trains its shared trunk and all heads in one pass. The result is a
 * new version; the source version keeps serving.
 */
@Component
class TrainRunner implements JobRunner<TrainRequest> {
  private final EnsembleService ensembles;
  private final DatasetService datasets;
  private final ModelRegistry registry;
  private final RewardProperties props;
  private final RewardLimits limits;

  TrainRunner(
      EnsembleService ensembles,
      DatasetService datasets,
      ModelRegistry registry,
      RewardProperties props,
      RewardLimits limits) {
    this.ensembles = ensembles;
    this.datasets = datasets;
    this.registry = registry;
    this.props = props;
    this.limits = limits;
    limits.requireWithin(props.training());
  }

  @Override
  public JobKind kind() {
    return JobKind.TRAIN;
  }

  @Override
  public Class<TrainRequest> requestType() {
    return TrainRequest.class;
  }

  @Override
  public TrainRequest validate(UUID ensembleId, TrainRequest req) {
    EnsembleEntity e = Runs.checkedEnsemble(ensembles, registry, ensembleId, req.fromVersion());
    TrainConfig cfg =
        TrainConfigResolver.resolve(req.training(), props.training(), e.seed(), limits);
    int pairs = datasets.pairs(req.dataset(), limits.maxDatasetPairs(), "max-dataset-pairs").size();
    requireExamples("pairs", pairs, cfg, e, limits);
    return req;
  }

  /**
   * What a job trains, examples x epochs x trained adapters (k in lora mode, one trunk in heads
   * mode), against {@code ugda.reward.limits.max-training-examples}: the bound on a job's time.
   */
  static void requireExamples(
      String what, int examples, TrainConfig cfg, EnsembleEntity e, RewardLimits limits) {
    int adapters = e.headsMode() ? 1 : e.members();
    RewardLimits.atMost(
        "the job's training examples ("
            + examples
            + " "
            + what
            + " x "
            + cfg.epochs()
            + " epochs x "
            + adapters
            + (e.headsMode() ? " trunk" : " members")
            + ")",
        (long) examples * cfg.epochs() * adapters,
        limits.maxTrainingExamples(),
        "max-training-examples");
  }

  @Override
  public Map<String, Object> run(UUID jobId, UUID ensembleId, TrainRequest req, JobContext ctx) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    VersionEntity from = ensembles.version(ensembleId, req.fromVersion());
    List<PreferencePair> pairs =
        datasets.pairs(req.dataset(), limits.maxDatasetPairs(), "max-dataset-pairs");
    TrainConfig base =
        TrainConfigResolver.resolve(req.training(), props.training(), e.seed(), limits);
    double centering = req.centering() == null ? 0 : req.centering();
    RewardCodec codec = registry.base(e.baseModel()).requireCodec();
    int maxTokens = codec.limit(limits.maxTokens());
    List<RewardTrainer.Pair> encoded = new ArrayList<>();
    int truncated = 0;
    for (PreferencePair p : pairs) {
      RewardCodec.Encoded c = codec.encode(p.prompt(), p.chosen(), maxTokens);
      RewardCodec.Encoded r = codec.encode(p.prompt(), p.rejected(), maxTokens);
      truncated += (c.dropped() > 0 ? 1 : 0) + (r.dropped() > 0 ? 1 : 0);
      encoded.add(new RewardTrainer.Pair(c.ids(), r.ids()));
    }
    try (ModelRegistry.Lease lease = registry.lease(e, from);
        MemberAdapters members = new MemberAdapters(lease.version(), jobId)) {
      int adapters = members.names().size();
      int stepsEach = base.steps(encoded.size());
      List<Map<String, Object>> perMember = new ArrayList<>();
      Map<String, Object> live = new LinkedHashMap<>();
      List<Object> liveMembers = new ArrayList<>();
      live.put("members", liveMembers);
      for (int i = 0; i < adapters; i++) {
        final int member = i;
        double[][] accuracy = {new double[0]};
        TrainingLoop.Result r =
            RewardTrainer.preferences(
                lease.version().base().model(),
                members.names().get(i),
                encoded,
                base.withSeed(base.seed() + i),
                centering,
                (step, total, loss, acc) -> {
                  accuracy[0] = acc;
                  live.put("member", member);
                  live.put("step", step);
                  live.put("stepsPerMember", total);
                  live.put("loss", loss);
                  live.put("accuracy", acc);
                  ctx.progress(
                      (member * (double) stepsEach + step) / (adapters * (double) stepsEach), live);
                },
                ctx::cancelled);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstLoss", r.firstLoss());
        m.put("finalLoss", r.finalLoss());
        m.put("trainAccuracy", accuracy[0]);
        m.put("steps", r.steps());
        m.put("movement", members.movement(i));
        perMember.add(m);
        liveMembers.add(m);
      }
      // the last step's report came before the last member's summary: report the complete list
      ctx.progress(1, live);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("pairs", pairs.size());
      metrics.put("maxTokens", maxTokens);
      metrics.put("truncatedSequences", truncated);
      metrics.put("centering", centering);
      metrics.put("members", perMember);
      metrics.put("training", base);
      return Runs.publish(ensembles, e, from, "train", jobId, members, metrics);
    }
  }
}
