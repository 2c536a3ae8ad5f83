package org.ugda.gateway.pipeline;

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
import org.ugda.support.web.Locations;

/**
 * Pipeline runs: {@code POST /api/runs} (202 + Location; {@code Idempotency-Key} as everywhere),
 * the list, one run with its steps, cancel and resume ({@link Jobs}' paths).
 */
@RestController
@RequestMapping(path = "/api/runs", produces = MediaType.APPLICATION_JSON_VALUE)
class PipelineController {
  private final PipelineService runs;

  PipelineController(PipelineService runs) {
    this.runs = runs;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<PipelineRun> create(
      @RequestBody PipelineRequest request,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key) {
    PipelineService.Submission s = runs.submit(request, key);
    var b = ResponseEntity.accepted().location(Locations.of("/api/runs/" + s.run().id()));
    if (s.replayed()) {
      b = b.header(Jobs.REPLAYED, "true");
    }
    return b.body(s.run());
  }

  /** The newest runs first. */
  @GetMapping
  List<PipelineRun> list(@RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1..500, got " + limit);
    }
    return runs.list(limit);
  }

  @GetMapping(Jobs.JOB)
  PipelineRun get(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return runs.view(jobId);
  }

  /** Stops a queued or running run (200); 409 once it has ended. */
  @PostMapping(Jobs.CANCEL)
  PipelineRun cancel(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return runs.cancel(jobId);
  }

  /** Carries on an interrupted, failed or cancelled run from its first unfinished step (202). */
  @PostMapping(Jobs.RESUME)
  ResponseEntity<PipelineRun> resume(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return ResponseEntity.accepted().body(runs.resume(jobId));
  }
}
