package org.ugda.gateway.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.job.JobProperties;
import org.ugda.support.job.JobWorker;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/**
 * Pipeline runs as jobs of the one job design ({@code JobTable} + {@code JobWorker}): a run is
 * resolved (the preset's defaults under the request's own fields) and written with all its steps
 * before it is queued; a shutdown of a gateway marks its runs {@code INTERRUPTED} (and any gateway
 * does so once a run's gateway stops heart-beating; a live replica's runs are never touched), and a
 * gateway starting with {@code ugda.pipeline.resume-interrupted} (the default) carries the
 * interrupted runs on at once from their first unfinished step; without it, {@code POST
 * /api/runs/{id}/resume} does. A failed step is retried by resuming the run; the step's remote job
 * is then started afresh under its next attempt's idempotency key.
 */
@Service
public class PipelineService implements DisposableBean {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PipelineService.class);

  /** A submitted run, and whether an earlier request with the same key created it. */
  public record Submission(PipelineRun run, boolean replayed) {}

  private final PipelineStore store;
  private final PipelineRunner runner;
  private final TransactionTemplate tx;
  private final JobWorker worker;

  private final PipelineProperties props;

  PipelineService(
      PipelineStore store,
      PipelineRunner runner,
      TransactionTemplate tx,
      PipelineProperties props,
      JobProperties lease) {
    this.props = props;
    this.store = store;
    this.runner = runner;
    this.tx = tx;
    this.worker =
        new JobWorker(store.jobs(), "pipeline run", "/api/runs/{id}/resume", m -> m, lease);
  }

  @EventListener(ApplicationReadyEvent.class)
  void markInterrupted() {
    worker.interruptStale();
    if (props.resumeInterrupted()) {
      for (UUID id : resumeInterrupted()) {
        log.info("pipeline run {} resumes after the restart", id);
      }
    }
  }

  private static final tools.jackson.databind.json.JsonMapper GIVEN =
      tools.jackson.databind.json.JsonMapper.builder()
          .changeDefaultPropertyInclusion(
              i ->
                  i.withValueInclusion(
                      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
          .build();

  public Submission submit(PipelineRequest given, String idempotencyKey) {
    Optional<String> key = IdempotencyKeys.check(idempotencyKey);
    // fields left out (null) are left out of the fingerprint too, so a field added to the request
    // in a later version does not turn the replay of an earlier request into a conflict
    String fingerprint = IdempotencyKeys.fingerprint(GIVEN.writeValueAsString(given));
    if (key.isPresent()) {
      Optional<UUID> earlier = store.jobs().byKey(key.get());
      if (earlier.isPresent()) {
        return replay(key.get(), earlier.get(), fingerprint, given);
      }
    }
    PipelineRequest request = Presets.resolve(given);
    List<PipelineStore.PlannedStep> steps = plan(request);
    UUID id = UUID.randomUUID();
    try {
      tx.executeWithoutResult(
          s -> store.insert(id, request, steps, key.orElse(null), fingerprint, Instant.now()));
    } catch (RuntimeException e) {
      Optional<UUID> raced = key.flatMap(store.jobs()::byKey);
      if (raced.isPresent()) {
        return replay(key.get(), raced.get(), fingerprint, given);
      }
      throw e;
    }
    worker.submit(id, body(id));
    return new Submission(view(id), false);
  }

  /**
   * The fingerprints the versions before 2026-12-04 gave the same request: its JSON with every null
   * field written out, over the request's fields of that version (before {@code judge}; before
   * {@code reuse}, {@code tags} and {@code selection.eta} too). A replay of a request stored by one
   * of them is recognised as the same request, not refused as a conflict.
   */
  static List<String> legacyFingerprints(PipelineRequest given) {
    tools.jackson.databind.node.ObjectNode all = PipelineStore.JSON.valueToTree(given);
    List<String> out = new ArrayList<>();
    out.add(IdempotencyKeys.fingerprint(PipelineStore.JSON.writeValueAsString(all)));
    if (!all.path("judge").isNull()) {
      return out;
    }
    all.remove("judge");
    out.add(IdempotencyKeys.fingerprint(PipelineStore.JSON.writeValueAsString(all)));
    boolean etaUnset = all.path("selection").isNull() || all.path("selection").path("eta").isNull();
    if (all.path("reuse").isNull() && all.path("tags").isNull() && etaUnset) {
      all.remove("reuse");
      all.remove("tags");
      if (all.get("selection") instanceof tools.jackson.databind.node.ObjectNode sel) {
        sel.remove("eta");
      }
      out.add(IdempotencyKeys.fingerprint(PipelineStore.JSON.writeValueAsString(all)));
    }
    return out;
  }

  private Submission replay(String key, UUID earlier, String fingerprint, PipelineRequest given) {
    String stored = store.jobs().fingerprint(earlier).orElse("");
    if (!stored.equals(fingerprint) && legacyFingerprints(given).contains(stored)) {
      fingerprint = stored;
    }
    return new Submission(
        IdempotencyKeys.replay(key, stored, fingerprint, view(earlier), earlier), true);
  }

  /**
   * The steps of a run and what each one's result depends on. A step's fingerprint chains the
   * fingerprints of the steps it builds on, so two runs share a step exactly when everything
   * upstream of it is the same; the expert's labels and the selection depend on the method.
   */
  static List<PipelineStore.PlannedStep> plan(PipelineRequest r) {
    double budget = r.budget();
    List<PipelineStore.PlannedStep> out = new ArrayList<>();
    String ensemble = fp("ensemble", r.trainPairs(), r.testPairs(), r.seed(), r.ensemble());
    String ppo = fp("ppo", ensemble, r.method().shaping(), r.prompts(), r.ppo());
    String select = fp("select", ppo, r.method().strategy(), budget, r.seed(), r.selection());
    String relabel = fp("relabel", select, r.expert(), r.seed());
    String refine = fp("refine", relabel, r.refine());
    String ppoRefined = fp("ppo-refined", refine, ppo);
    for (String name : r.method().steps(budget)) {
      String f =
          switch (name) {
            case Steps.ENSEMBLE -> ensemble;
            case Steps.PPO -> ppo;
            case Steps.SELECT -> select;
            case Steps.RELABEL -> relabel;
            case Steps.REFINE -> refine;
            case Steps.PPO_REFINED -> ppoRefined;
            // the evaluation depends on the policy it evaluates and on the held-out prompts
            default ->
                fp(
                    "evaluate",
                    r.method() == Method.SFT ? "sft" : budget > 0 ? ppoRefined : ppo,
                    r.evalPrompts(),
                    r.seed(),
                    r.ppo().sampling());
          };
      out.add(new PipelineStore.PlannedStep(name, f));
      if (name.equals(Steps.EVALUATE) && Boolean.TRUE.equals(r.judge())) {
        out.add(new PipelineStore.PlannedStep(Steps.JUDGE, fp("judge", f)));
      }
    }
    return out;
  }

  private static String fp(Object... parts) {
    // Arrays.asList: a part may be null (sft has no shaping or strategy)
    return IdempotencyKeys.fingerprint(
        PipelineStore.JSON.writeValueAsString(java.util.Arrays.asList(parts)));
  }

  private JobWorker.Body body(UUID id) {
    return stop -> {
      PipelineRequest r = store.request(id).orElseThrow(() -> unknown(id));
      try {
        runner.run(id, r, stop);
      } finally {
        store.settleRunningSteps(id, "PENDING");
      }
    };
  }

  public PipelineRun view(UUID id) {
    return store.view(id).orElseThrow(() -> unknown(id));
  }

  static NotFoundException unknown(UUID id) {
    return new NotFoundException("no pipeline run " + id);
  }

  public List<PipelineRun> list(int limit) {
    return store.list(limit);
  }

  /** Cancels a queued or running run (and the step's remote job stops with it); 409 once ended. */
  public PipelineRun cancel(UUID id) {
    worker.cancel(id, view(id).state());
    return view(id);
  }

  /**
   * Carries on an interrupted, failed or cancelled run from its first unfinished step; a failed
   * step's remote job is started again (its next attempt).
   */
  public PipelineRun resume(UUID id) {
    PipelineRun run = view(id);
    if (run.state() == JobState.FAILED || run.state() == JobState.CANCELLED) {
      for (PipelineRun.Step s : run.steps()) {
        if (s.state().equals("FAILED")) {
          int attempt = ((Number) s.outputs().getOrDefault("attempt", 1)).intValue() + 1;
          store.removeOutputs(
              id,
              s.name(),
              List.of(Steps.JOB_ID, Steps.POLICY_RUN_ID, Steps.SELECTION_ID, Steps.RELABEL_JOB_ID));
          store.putOutputs(id, s.name(), Map.of("attempt", attempt));
        }
      }
    }
    worker.resume(id, run.state(), body(id));
    return view(id);
  }

  /** Resumes every interrupted run (the standalone demo after a restart). */
  public List<UUID> resumeInterrupted() {
    List<UUID> out = new ArrayList<>();
    for (PipelineRun r : store.list(500)) {
      if (r.state() == JobState.INTERRUPTED) {
        try {
          resume(r.id());
          out.add(r.id());
        } catch (ConflictException e) {
          // another replica starting at the same time resumed it first
          log.info("pipeline run {} was resumed by another instance", r.id());
        }
      }
    }
    return out;
  }

  @Override
  public void destroy() throws InterruptedException {
    worker.close();
  }
}
