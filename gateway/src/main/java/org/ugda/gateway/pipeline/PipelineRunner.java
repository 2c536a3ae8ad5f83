package org.ugda.gateway.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.CreateRun;
import org.ugda.api.policy.GenerateRequest;
import org.ugda.api.policy.Generated;
import org.ugda.api.policy.PolicyClient;
import org.ugda.api.policy.RunPrompt;
import org.ugda.api.policy.RunView;
import org.ugda.api.policy.Sampling;
import org.ugda.api.policy.Shaping;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelClient;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.api.reward.AccuracyReport;
import org.ugda.api.reward.CreateEnsemble;
import org.ugda.api.reward.DatasetRef;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.EvaluateRequest;
import org.ugda.api.reward.Job;
import org.ugda.api.reward.LabelledSample;
import org.ugda.api.reward.RefineRequest;
import org.ugda.api.reward.RewardClient;
import org.ugda.api.reward.TrainRequest;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SelectionClient;
import org.ugda.api.selection.SelectionView;
import org.ugda.support.problem.Problems;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.WorldData;
import org.ugda.world.gold.GoldReward;
import tools.jackson.databind.JsonNode;

/**
 * Carries out one pipeline run step by step through the services (Algorithm 1). Every step is
 * written so that it can be cut off anywhere and run again: the id of each thing it creates in a
 * service is stored in the step's outputs the moment it exists, and every job it starts carries an
 * {@code Idempotency-Key} made of the run, the step and the step's attempt, so a step redone after
 * a restart finds its ensemble, run, selection or relabel job again instead of making a second one.
 * A step that fails stays FAILED with the service's own words; a retry starts its remote job anew
 * (the next attempt's key).
 */
@Component
class PipelineRunner {
  private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

  /** The most prompts policy-service generates in one call. */
  private static final int GENERATE_BATCH = 64;

  private final PipelineStore store;
  private final RewardClient reward;
  private final PolicyClient policy;
  private final SelectionClient selection;
  private final RelabelClient relabel;
  private final PipelineProperties props;

  PipelineRunner(
      PipelineStore store,
      RewardClient reward,
      PolicyClient policy,
      SelectionClient selection,
      RelabelClient relabel,
      PipelineProperties props) {
    this.store = store;
    this.reward = reward;
    this.policy = policy;
    this.selection = selection;
    this.relabel = relabel;
    this.props = props;
  }

  /** A step that cannot go on: its message is stored on the step and the run. */
  static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message);
    }
  }

  /** Runs every step of {@code runId} that has not finished yet, in order. */
  void run(UUID runId, PipelineRequest request, BooleanSupplier stop) {
    for (PipelineRun.Step step : store.steps(runId)) {
      if (step.state().equals("SUCCEEDED")) {
        continue;
      }
      checkStop(stop);
      Run ctx = new Run(runId, request, step.name(), stop);
      Optional<PipelineStore.Reusable> earlier =
          Boolean.FALSE.equals(request.reuse())
              ? Optional.empty()
              : store.reusable(runId, step.name(), store.fingerprint(runId, step.name()));
      if (earlier.isPresent() && stillThere(step.name(), earlier.get().outputs())) {
        store.reuse(runId, step.name(), earlier.get(), Instant.now());
        if (step.name().equals(Steps.EVALUATE) || step.name().equals(Steps.JUDGE)) {
          // the results are the evaluate step's figures: the earlier run's, as taken over
          store.results(runId, store.resultsOf(earlier.get().runId()));
        }
        log.info("run {}: step {} reuses run {}'s", runId, step.name(), earlier.get().runId());
        continue;
      }
      store.startStep(runId, step.name(), Instant.now());
      try {
        execute(ctx);
      } catch (CancellationException e) {
        throw e;
      } catch (RuntimeException e) {
        String message = e instanceof StepFailed ? e.getMessage() : describe(e);
        store.finishStep(runId, step.name(), "FAILED", Problems.cut(message), Instant.now());
        throw new StepFailed("step " + step.name() + " failed: " + message);
      }
      store.finishStep(runId, step.name(), "SUCCEEDED", null, Instant.now());
    }
  }

  private void execute(Run r) {
    switch (r.step) {
      case Steps.ENSEMBLE -> ensemble(r);
      case Steps.PPO -> ppo(r, Steps.PPO);
      case Steps.SELECT -> select(r);
      case Steps.RELABEL -> relabelStep(r);
      case Steps.REFINE -> refine(r);
      case Steps.PPO_REFINED -> ppo(r, Steps.PPO_REFINED);
      case Steps.EVALUATE -> evaluate(r);
      case Steps.JUDGE -> judge(r);
      default -> throw new StepFailed("unknown step " + r.step);
    }
  }

  /** A reused step's service-side results must still exist (another database, a deleted one). */
  private boolean stillThere(String step, Map<String, Object> outputs) {
    try {
      switch (step) {
        case Steps.ENSEMBLE, Steps.REFINE -> reward.ensemble(uuid(outputs, Steps.ENSEMBLE_ID));
        case Steps.PPO, Steps.PPO_REFINED -> policy.run(uuid(outputs, Steps.POLICY_RUN_ID));
        default -> {
          return true;
        }
      }
      return true;
    } catch (RuntimeException e) {
      log.info("a finished {} step is not reused: {}", step, describe(e));
      return false;
    }
  }

  // ---- the steps

  private void ensemble(Run r) {
    PipelineRequest q = r.request;
    UUID id = r.outputUuid(Steps.ENSEMBLE_ID);
    if (id == null) {
      String name = "pipeline-" + r.runId;
      id = findEnsemble(r, name);
      if (id == null) {
        PipelineRequest.EnsembleSettings e = q.ensemble();
        try {
          id =
              r.call(
                      () ->
                          reward.create(
                              new CreateEnsemble(
                                  name, null, null, e.members(), e.lora(), q.seed())))
                  .id();
        } catch (StepFailed conflict) {
          // created by an earlier try whose answer was lost
          id = findEnsemble(r, name);
          if (id == null) {
            throw conflict;
          }
        }
      }
      r.put(Steps.ENSEMBLE_ID, id);
    }
    UUID ensembleId = id;
    Job job =
        r.call(
            () ->
                reward.train(
                    ensembleId,
                    r.key(),
                    new TrainRequest(
                        new DatasetRef(null, q.trainPairs(), null),
                        null,
                        q.ensemble().training(),
                        null)));
    r.put(Steps.JOB_ID, job.id());
    Job done = awaitRewardJob(r, job.id());
    int version = ((Number) done.result().get("version")).intValue();
    r.put(Steps.VERSION, version);
    r.put("accuracy", accuracy(r, ensembleId, version));
  }

  private UUID findEnsemble(Run r, String name) {
    for (Ensemble e : r.call(reward::ensembles)) {
      if (e.name().equals(name)) {
        return e.id();
      }
    }
    return null;
  }

  private Map<String, Object> accuracy(Run r, UUID ensembleId, int version) {
    AccuracyReport a =
        r.call(
            () ->
                reward.evaluate(
                    ensembleId,
                    new EvaluateRequest(
                        new DatasetRef(null, r.request.testPairs(), null), version)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pairs", a.pairs());
    out.put("mean", a.meanAccuracy());
    out.put("members", a.memberAccuracy());
    Map<String, Object> subsets = new TreeMap<>();
    a.subsets().forEach((k, v) -> subsets.put(k, v.meanAccuracy()));
    out.put("subsets", subsets);
    return out;
  }

  private Job awaitRewardJob(Run r, UUID jobId) {
    while (true) {
      Job j = r.call(() -> reward.job(jobId));
      r.progress(
          Map.of(
              "service",
              "reward",
              "jobId",
              jobId,
              "state",
              j.state().name(),
              "progress",
              j.progress()));
      switch (j.state()) {
        case SUCCEEDED -> {
          return j;
        }
        case FAILED, CANCELLED ->
            throw new StepFailed(
                "reward-service job " + jobId + " " + j.state() + ": " + j.error());
        case INTERRUPTED -> r.call(() -> reward.resume(jobId));
        default -> r.sleep();
      }
    }
  }

  private void ppo(Run r, String step) {
    PipelineRequest q = r.request;
    UUID ensembleId = uuid(r.outputsOf(Steps.ENSEMBLE), Steps.ENSEMBLE_ID);
    int version =
        step.equals(Steps.PPO_REFINED)
            ? intOf(r.outputsOf(Steps.REFINE), Steps.VERSION)
            : intOf(r.outputsOf(Steps.ENSEMBLE), Steps.VERSION);
    UUID runId = r.outputUuid(Steps.POLICY_RUN_ID);
    if (runId == null) {
      List<RunPrompt> prompts = new ArrayList<>();
      for (WorldData.PromptItem p : worldPrompts(WorldFiles.PPO_PROMPTS, q.prompts())) {
        prompts.add(new RunPrompt(p.prompt(), p.subtask()));
      }
      Shaping shaping = q.method().shaping();
      CreateRun create =
          new CreateRun(null, ensembleId, version, shaping, null, null, prompts, q.ppo());
      runId = r.call(() -> policy.createRun(r.key(), create)).id();
      r.put(Steps.POLICY_RUN_ID, runId);
    }
    UUID id = runId;
    while (true) {
      RunView v = r.call(() -> policy.run(id));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("service", "policy");
      p.put("state", v.state().name());
      p.put("finishedSteps", v.finishedSteps());
      p.put("totalSteps", v.totalSteps());
      if (v.progress() != null) {
        p.put("run", v.progress());
      }
      r.progress(p);
      switch (v.state()) {
        case SUCCEEDED -> {
          r.put("loggedRollouts", v.loggedRollouts());
          r.put("totalSteps", v.totalSteps());
          return;
        }
        case FAILED, CANCELLED ->
            throw new StepFailed("policy-service run " + id + " " + v.state() + ": " + v.error());
        case INTERRUPTED -> r.call(() -> policy.resumeRun(id));
        default -> r.sleep();
      }
    }
  }

  private void select(Run r) {
    PipelineRequest q = r.request;
    UUID runId = uuid(r.outputsOf(Steps.PPO), Steps.POLICY_RUN_ID);
    PipelineRequest.SelectionSettings s = q.selection();
    UUID id = r.outputUuid(Steps.SELECTION_ID);
    if (id == null) {
      CreateSelection create =
          new CreateSelection(
              runId,
              q.method().strategy(),
              s.gamma(),
              s.eta(),
              s.eta() == null ? q.budget() : null,
              null,
              null,
              s.dim(),
              q.seed(),
              s.aggregation(),
              s.influence(),
              s.direction(),
              null);
      id = r.call(() -> selection.create(r.key(), create)).id();
      r.put(Steps.SELECTION_ID, id);
    }
    UUID sel = id;
    while (true) {
      SelectionView v = r.call(() -> selection.selection(sel));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("service", "selection");
      p.put("state", v.state().name());
      if (v.progress() != null) {
        p.put("selection", v.progress());
      }
      r.progress(p);
      switch (v.state()) {
        case SUCCEEDED -> {
          r.put("logSize", v.logSize());
          r.put("trainSize", v.trainSize());
          r.put("keptSize", v.keptSize());
          return;
        }
        case FAILED, CANCELLED ->
            throw new StepFailed(
                "selection-service selection " + sel + " " + v.state() + ": " + v.error());
        case INTERRUPTED -> r.call(() -> selection.resume(sel));
        default -> r.sleep();
      }
    }
  }

  /** The kept samples, as relabel-service items (read from the selection's export). */
  private List<RelabelItem> keptItems(Run r) {
    UUID sel = uuid(r.outputsOf(Steps.SELECT), Steps.SELECTION_ID);
    String jsonl = r.call(() -> selection.export(sel));
    List<RelabelItem> items = new ArrayList<>();
    for (String line : (jsonl == null ? "" : jsonl).split("\n")) {
      if (!line.isBlank()) {
        items.add(PipelineStore.JSON.readValue(line, RelabelItem.class));
      }
    }
    if (items.isEmpty()) {
      throw new StepFailed("selection " + sel + " kept no sample; nothing to relabel");
    }
    return items;
  }

  private void relabelStep(Run r) {
    List<RelabelItem> items = keptItems(r);
    UUID id = r.outputUuid(Steps.RELABEL_JOB_ID);
    if (id == null) {
      String expert =
          switch (r.request.expert()) {
            case "llm" -> "openai";
            default -> r.request.expert();
          };
      id = r.call(() -> relabel.createJob(r.key(), new CreateRelabelJob(expert, items))).id();
      r.put(Steps.RELABEL_JOB_ID, id);
    }
    RelabelJob j = awaitRelabel(r, id, false);
    r.put("labelled", j.progress().labelled());
  }

  /**
   * Follows a relabel job to its end (or, with {@code humansEnough}, until only the human queue is
   * left), with its progress on the step; resumes it when interrupted.
   */
  private RelabelJob awaitRelabel(Run r, UUID job, boolean humansEnough) {
    while (true) {
      RelabelJob j = r.call(() -> relabel.job(job));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("service", "relabel");
      p.put("state", j.state().name());
      p.put("total", j.progress().total());
      p.put("labelled", j.progress().labelled());
      p.put("awaitingHuman", j.progress().awaitingHuman());
      p.put("tasksLeft", j.progress().total() - j.progress().labelled());
      r.progress(p);
      switch (j.state()) {
        case SUCCEEDED -> {
          return j;
        }
        case AWAITING_HUMANS -> {
          if (humansEnough) {
            return j;
          }
          r.sleep();
        }
        case FAILED, CANCELLED ->
            throw new StepFailed(
                "relabel-service job " + job + " " + j.state() + ": " + j.message());
        case INTERRUPTED -> r.call(() -> relabel.resume(job));
        default -> r.sleep();
      }
    }
  }

  private void refine(Run r) {
    PipelineRequest q = r.request;
    Map<String, Object> ens = r.outputsOf(Steps.ENSEMBLE);
    UUID ensembleId = uuid(ens, Steps.ENSEMBLE_ID);
    int from = intOf(ens, Steps.VERSION);
    UUID policyRun = uuid(r.outputsOf(Steps.PPO), Steps.POLICY_RUN_ID);
    Map<String, RelabelItem> byId = new HashMap<>();
    for (RelabelItem i : keptItems(r)) {
      byId.put(i.externalId(), i);
    }
    UUID job = uuid(r.outputsOf(Steps.RELABEL), Steps.RELABEL_JOB_ID);
    List<LabelledSample> labels = new ArrayList<>();
    Map<String, Integer> scores = new TreeMap<>();
    for (Label l : r.call(() -> relabel.labels(job))) {
      RelabelItem item = byId.get(l.externalId());
      if (item != null) {
        labels.add(new LabelledSample(item.prompt(), item.response(), l.score()));
        scores.merge(Integer.toString(l.score()), 1, Integer::sum);
      }
    }
    if (labels.isEmpty()) {
      throw new StepFailed("relabel job " + job + " gave no label; nothing to refine on");
    }
    r.put(Steps.ENSEMBLE_ID, ensembleId);
    r.put("labels", labels.size());
    r.put("scores", scores);
    // the interaction log's rewards of every member under the version being refined (Eq. 13),
    // fetched here and sent along: reward-service then needs no route to policy-service
    List<List<Double>> logRewards =
        r.call(() -> policy.runRewards(policyRun.toString(), ensembleId, from)).members();
    RefineRequest refine =
        new RefineRequest(
            from,
            labels,
            logRewards,
            null,
            null,
            q.refine().sigma(),
            q.seed(),
            q.refine().training());
    Job started = r.call(() -> reward.refine(ensembleId, r.key(), refine));
    r.put(Steps.JOB_ID, started.id());
    Job done = awaitRewardJob(r, started.id());
    int version = ((Number) done.result().get("version")).intValue();
    r.put(Steps.VERSION, version);
    r.put("accuracy", accuracy(r, ensembleId, version));
  }

  private void evaluate(Run r) {
    PipelineRequest q = r.request;
    List<WorldData.PromptItem> prompts = worldPrompts(WorldFiles.EVAL_PROMPTS, q.evalPrompts());
    Map<String, Object> results = new LinkedHashMap<>();
    Map<String, Object> perPrompt = new LinkedHashMap<>();
    perPrompt.put("subtask", prompts.stream().map(WorldData.PromptItem::subtask).toList());
    results.put("sft", gold(r, prompts, null, null, perPrompt, "sft"));
    perPrompt.put("answer", perPrompt.remove("sftAnswer"));
    String last = lastPolicyStep(r);
    if (last != null) {
      UUID runId = uuid(r.outputsOf(last), Steps.POLICY_RUN_ID);
      int epoch =
          r.call(() -> policy.checkpoints(runId)).stream()
              .mapToInt(CheckpointView::epoch)
              .max()
              .orElseThrow(() -> new StepFailed("policy run " + runId + " has no checkpoint"));
      results.put("policy", gold(r, prompts, runId, epoch, perPrompt, "policy"));
      perPrompt.put("answer", perPrompt.remove("policyAnswer"));
      results.put("policyRunId", runId.toString());
      results.put("epoch", epoch);
    } else {
      results.put("policy", results.get("sft"));
      perPrompt.put("policy", perPrompt.get("sft"));
    }
    results.put("perPrompt", perPrompt);
    Map<String, Object> curves = new LinkedHashMap<>();
    for (String s : List.of(Steps.PPO, Steps.PPO_REFINED)) {
      if (r.outputsOrNull(s) != null) {
        curves.put(s, curve(r, uuid(r.outputsOf(s), Steps.POLICY_RUN_ID)));
      }
    }
    results.put("curves", curves);
    Map<String, Object> accuracy = new TreeMap<>();
    for (String s : List.of(Steps.ENSEMBLE, Steps.REFINE)) {
      Map<String, Object> o = r.outputsOrNull(s);
      if (o != null && o.get("accuracy") instanceof Map<?, ?> a) {
        accuracy.put(String.valueOf(o.get(Steps.VERSION)), a.get("mean"));
      }
    }
    results.put("accuracy", accuracy);
    Map<String, Object> rel = r.outputsOrNull(Steps.RELABEL);
    results.put("relabelled", rel == null ? 0 : rel.getOrDefault("labelled", 0));
    // the step's outputs hold the summary; the per-prompt arrays and the curves live in the
    // run's results only (stored once)
    Map<String, Object> summary = new LinkedHashMap<>(results);
    summary.remove("perPrompt");
    summary.remove("curves");
    r.putAll(summary);
    store.results(r.runId, results);
  }

  private String lastPolicyStep(Run r) {
    if (r.outputsOrNull(Steps.PPO_REFINED) != null) {
      return Steps.PPO_REFINED;
    }
    return r.outputsOrNull(Steps.PPO) != null ? Steps.PPO : null;
  }

  /**
   * Gold reward of the SFT model (no run) or of a run's checkpoint on the world's held-out prompts,
   * per subtask: mean, population variance, count.
   */
  /**
   * The LLM judge (relabel-service's {@code openai} expert) scores each evaluation answer of the
   * final policy 1-5; the scores go into the results as {@code perPrompt.judge} (null where the
   * judge gave none: an item it sent to the human queue), with their mean as {@code judge}.
   */
  @SuppressWarnings("unchecked")
  private void judge(Run r) {
    Map<String, Object> results = new LinkedHashMap<>(store.resultsOf(r.runId));
    Map<String, Object> perPrompt =
        results.get("perPrompt") instanceof Map<?, ?> m
            ? new LinkedHashMap<>((Map<String, Object>) m)
            : null;
    if (perPrompt == null || !(perPrompt.get("answer") instanceof List<?> answers)) {
      throw new StepFailed("the evaluate step stored no answers to judge");
    }
    List<WorldData.PromptItem> prompts =
        worldPrompts(WorldFiles.EVAL_PROMPTS, r.request.evalPrompts());
    UUID id = r.outputUuid(Steps.RELABEL_JOB_ID);
    if (id == null) {
      List<RelabelItem> items = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        items.add(
            new RelabelItem("p" + i, prompts.get(i).prompt(), String.valueOf(answers.get(i))));
      }
      id = r.call(() -> relabel.createJob(r.key(), new CreateRelabelJob("openai", items))).id();
      r.put(Steps.RELABEL_JOB_ID, id);
    }
    UUID job = id;
    RelabelJob done = awaitRelabel(r, job, true);
    Integer[] scores = new Integer[answers.size()];
    for (Label l : r.call(() -> relabel.labels(job))) {
      if (l.externalId() != null && l.externalId().startsWith("p")) {
        int i = Integer.parseInt(l.externalId().substring(1));
        if (i >= 0 && i < scores.length) {
          scores[i] = l.score();
        }
      }
    }
    List<Integer> judged = java.util.Arrays.asList(scores);
    perPrompt.put("judge", judged);
    results.put("perPrompt", perPrompt);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("n", judged.stream().filter(java.util.Objects::nonNull).count());
    var mean =
        judged.stream().filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).average();
    summary.put("mean", mean.isPresent() ? mean.getAsDouble() : null);
    summary.put("awaitingHuman", done.progress().awaitingHuman());
    results.put("judge", summary);
    r.putAll(Map.of("judged", summary.get("n"), "awaitingHuman", done.progress().awaitingHuman()));
    store.results(r.runId, results);
  }

  /**
   * The over-optimisation curve of a policy run, one point per PPO step: the KL to the SFT model
   * (the mean over the batch of the summed per-token KL), its square root, the proxy (ensemble
   * mean) reward and the gold reward of that step's rollouts.
   */
  private List<Map<String, Object>> curve(Run r, UUID runId) {
    List<Map<String, Object>> points = new ArrayList<>();
    for (var st : r.call(() -> policy.steps(runId))) {
      Map<String, Object> m = st.metrics();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("step", st.step());
      p.put("epoch", st.epoch());
      double kl = m.get("kl") instanceof Number n ? n.doubleValue() : Double.NaN;
      p.put("kl", kl);
      p.put("sqrtKl", Math.sqrt(Math.max(0, kl)));
      p.put("proxyMean", m.get("proxyMean"));
      p.put("goldMean", m.get("goldMean"));
      points.add(p);
    }
    return points;
  }

  private Map<String, Object> gold(
      Run r,
      List<WorldData.PromptItem> prompts,
      UUID runId,
      Integer epoch,
      Map<String, Object> perPrompt,
      String key) {
    List<Double> each = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    Map<String, List<Double>> bySubtask = new TreeMap<>();
    for (int i = 0; i < prompts.size(); i += GENERATE_BATCH) {
      List<WorldData.PromptItem> chunk =
          prompts.subList(i, Math.min(prompts.size(), i + GENERATE_BATCH));
      List<String> texts = chunk.stream().map(WorldData.PromptItem::prompt).toList();
      Sampling sampling =
          new Sampling(
              r.request.ppo().sampling() == null ? null : r.request.ppo().sampling().maxNewTokens(),
              null,
              null,
              null,
              r.request.seed() + i);
      List<Generated> out =
          r.call(() -> policy.generate(new GenerateRequest(texts, runId, epoch, null, sampling)))
              .items();
      for (int k = 0; k < chunk.size(); k++) {
        double g = GoldReward.of(chunk.get(k).prompt(), out.get(k).response());
        each.add(g);
        answers.add(out.get(k).response());
        bySubtask.computeIfAbsent(chunk.get(k).subtask(), s -> new ArrayList<>()).add(g);
        bySubtask.computeIfAbsent("all", s -> new ArrayList<>()).add(g);
      }
      checkStop(r.stop);
    }
    perPrompt.put(key, each);
    perPrompt.put(key + "Answer", answers);
    Map<String, Object> out = new TreeMap<>();
    bySubtask.forEach(
        (s, values) -> {
          double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          double var =
              values.stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(0);
          out.put(s, Map.of("mean", mean, "variance", var, "n", values.size()));
        });
    return out;
  }

  private List<WorldData.PromptItem> worldPrompts(String file, int count) {
    var path = props.world().resolve(file);
    if (!java.nio.file.Files.isRegularFile(path)) {
      throw new StepFailed(
          "the benchmark world's "
              + file
              + " is missing under the storage root's "
              + props.worldDir()
              + "/; generate the world first (./ugda world generate --out ugda-storage/"
              + props.worldDir()
              + ")");
    }
    List<WorldData.PromptItem> all = WorldData.prompts(path);
    if (all.size() < count) {
      throw new StepFailed(
          "the world's "
              + file
              + " holds "
              + all.size()
              + " prompts, fewer than the "
              + count
              + " asked for");
    }
    return all.subList(0, count);
  }

  // ---- helpers

  private static UUID uuid(Map<String, Object> outputs, String key) {
    Object v = outputs == null ? null : outputs.get(key);
    if (v == null) {
      throw new StepFailed("an earlier step left no " + key);
    }
    return UUID.fromString(v.toString());
  }

  private static int intOf(Map<String, Object> outputs, String key) {
    Object v = outputs == null ? null : outputs.get(key);
    if (!(v instanceof Number n)) {
      throw new StepFailed("an earlier step left no " + key);
    }
    return n.intValue();
  }

  static void checkStop(BooleanSupplier stop) {
    if (stop.getAsBoolean()) {
      throw new CancellationException("the run was stopped");
    }
  }

  /** A service's answer in words: the problem+json's detail where there is one. */
  static String describe(RuntimeException e) {
    if (e instanceof RestClientResponseException http) {
      String detail = null;
      try {
        JsonNode body = PipelineStore.JSON.readTree(http.getResponseBodyAsString());
        if (body != null && body.hasNonNull("detail")) {
          detail = body.get("detail").asString();
        }
      } catch (RuntimeException notJson) {
        detail = null;
      }
      return "the service answered "
          + http.getStatusCode().value()
          + (detail == null ? "" : ": " + detail);
    }
    if (e instanceof ResourceAccessException) {
      return "the service cannot be reached";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** One step's context: its run, its request, its stop flag, its outputs in the store. */
  private final class Run {
    final UUID runId;
    final PipelineRequest request;
    final String step;
    final BooleanSupplier stop;

    Run(UUID runId, PipelineRequest request, String step, BooleanSupplier stop) {
      this.runId = runId;
      this.request = request;
      this.step = step;
      this.stop = stop;
    }

    /** The idempotency key of this step's remote jobs (one per attempt). */
    String key() {
      Object attempt = outputs().getOrDefault("attempt", 1);
      return "pipeline-" + runId + "-" + step + "-" + attempt;
    }

    Map<String, Object> outputs() {
      return outputsOf(step);
    }

    Map<String, Object> outputsOf(String name) {
      Map<String, Object> o = outputsOrNull(name);
      if (o == null) {
        throw new StepFailed("this run has no " + name + " step");
      }
      return o;
    }

    Map<String, Object> outputsOrNull(String name) {
      for (PipelineRun.Step s : store.steps(runId)) {
        if (s.name().equals(name)) {
          return s.outputs();
        }
      }
      return null;
    }

    UUID outputUuid(String key) {
      Object v = outputs().get(key);
      return v == null ? null : UUID.fromString(v.toString());
    }

    void put(String key, Object value) {
      store.putOutputs(runId, step, Map.of(key, value instanceof UUID u ? u.toString() : value));
    }

    void putAll(Map<String, Object> values) {
      store.putOutputs(runId, step, values);
    }

    void progress(Map<String, Object> p) {
      store.progress(runId, step, p);
    }

    void sleep() {
      sleepFor(props.pollInterval());
    }

    void sleepFor(Duration d) {
      long until = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < until) {
        checkStop(stop);
        try {
          Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted");
        }
      }
      checkStop(stop);
    }

    /**
     * Calls a service: while it is unreachable, answers 5xx or 429, waits and tries again (with
     * exponential backoff up to {@code ugda.pipeline.retry-max}) for as long as it takes unless the
     * run is stopped; any other error fails the step with the service's own words.
     */
    <T> T call(Supplier<T> c) {
      Duration wait = props.pollInterval();
      while (true) {
        checkStop(stop);
        try {
          return c.get();
        } catch (ResourceAccessException | HttpClientErrorException.TooManyRequests e) {
          log.info("run {} step {}: {}; trying again in {}", runId, step, describe(e), wait);
        } catch (RestClientResponseException e) {
          if (!e.getStatusCode().is5xxServerError()) {
            throw new StepFailed(describe(e));
          }
          log.info("run {} step {}: {}; trying again in {}", runId, step, describe(e), wait);
        }
        sleepFor(wait);
        wait =
            wait.multipliedBy(2).compareTo(props.retryMax()) > 0
                ? props.retryMax()
                : wait.multipliedBy(2);
      }
    }
  }
}
