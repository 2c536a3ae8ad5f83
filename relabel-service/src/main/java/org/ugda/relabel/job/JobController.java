package org.ugda.relabel.job;

import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.RelabelClient;
import org.ugda.api.relabel.RelabelJob;

/** {@code /v1/relabel/jobs}: asynchronous relabel jobs. */
@RestController
@RequestMapping("/v1/relabel/jobs")
class JobController {

  /** Set on a response that returns the job an earlier request with the same key created. */
  static final String REPLAYED = "Idempotent-Replayed";

  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  /** 202 with the job; a retry with the same {@code Idempotency-Key} returns the same job. */
  @PostMapping
  ResponseEntity<RelabelJob> create(
      @RequestHeader(name = RelabelClient.IDEMPOTENCY_KEY, required = false) String idempotencyKey,
      @RequestBody CreateRelabelJob request) {
    JobService.Creation creation = jobs.create(idempotencyKey, request);
    return ResponseEntity.accepted()
        .location(URI.create("/v1/relabel/jobs/" + creation.job().id()))
        .header(REPLAYED, Boolean.toString(creation.replayed()))
        .body(creation.job());
  }

  @GetMapping("/{jobId}")
  RelabelJob job(@PathVariable UUID jobId) {
    return jobs.get(jobId);
  }

  /** 202: carries on an INTERRUPTED or FAILED job; 409 otherwise. */
  @PostMapping("/{jobId}/resume")
  ResponseEntity<RelabelJob> resume(@PathVariable UUID jobId) {
    return ResponseEntity.accepted().body(jobs.resume(jobId));
  }
}
