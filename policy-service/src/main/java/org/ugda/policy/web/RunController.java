package org.ugda.policy.web;

import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.job.Jobs;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.CreateRun;
import org.ugda.api.policy.RunStep;
import org.ugda.api.policy.RunView;
import org.ugda.policy.run.RunService;
import org.ugda.policy.run.RunStore;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.web.Locations;

/**
 * PPO runs: the job resource ({@link Jobs}' paths under {@code /v1/runs}), their per-step figures
 * and their checkpoints.
 */
@RestController
@RequestMapping(path = "/v1/runs", produces = MediaType.APPLICATION_JSON_VALUE)
class RunController {
  private final RunService runs;
  private final RunStore store;

  RunController(RunService runs, RunStore store) {
    this.runs = runs;
    this.store = store;
  }

  /** Starts a PPO run (202 + Location); with an Idempotency-Key a retry returns the same run. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<RunView> create(
      @RequestBody CreateRun request,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key) {
    RunService.Submission s = runs.submit(request, key);
    var b = ResponseEntity.accepted().location(Locations.of("/v1/runs/" + s.run().id()));
    if (s.replayed()) {
      b = b.header(Jobs.REPLAYED, "true");
    }
    return b.body(s.run());
  }

  @GetMapping
  List<RunView> list(@RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1..500, got " + limit);
    }
    return runs.list(limit);
  }

  @GetMapping(Jobs.JOB)
  RunView get(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return runs.view(jobId);
  }

  /** Stops a QUEUED or RUNNING run (200); 409 once it has ended. */
  @PostMapping(Jobs.CANCEL)
  RunView cancel(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return runs.cancel(jobId);
  }

  /** Continues an INTERRUPTED, FAILED or CANCELLED run after its last finished step (202). */
  @PostMapping(Jobs.RESUME)
  ResponseEntity<RunView> resume(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return ResponseEntity.accepted().body(runs.resume(jobId));
  }

  @GetMapping(Jobs.JOB + "/steps")
  List<RunStep> steps(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    runs.view(jobId);
    return store.steps(jobId);
  }

  @GetMapping(Jobs.JOB + "/checkpoints")
  List<CheckpointView> checkpoints(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    runs.view(jobId);
    return store.checkpoints(jobId);
  }

  @GetMapping(Jobs.JOB + "/checkpoints/{epoch}")
  CheckpointView checkpoint(@PathVariable(Jobs.JOB_ID) UUID jobId, @PathVariable int epoch) {
    runs.view(jobId);
    return store
        .checkpoint(jobId, epoch)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "run " + jobId + " has no checkpoint of epoch " + epoch + " (yet)"));
  }
}
