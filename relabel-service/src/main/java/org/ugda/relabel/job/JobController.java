package org.ugda.relabel.job;

import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.job.Jobs;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.support.web.Locations;

/** {@code /v1/relabel/jobs}: asynchronous relabel jobs, on the paths every service's jobs use. */
@RestController
@RequestMapping(JobController.JOBS)
class JobController {

  /** The collection of relabel jobs. */
  static final String JOBS = "/v1/relabel/jobs";

  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  /** 202 with the job; a retry with the same {@code Idempotency-Key} returns the same job. */
  @PostMapping
  ResponseEntity<RelabelJob> create(
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String idempotencyKey,
      @RequestBody CreateRelabelJob request) {
    JobService.Creation creation = jobs.create(idempotencyKey, request);
    return ResponseEntity.accepted()
        .location(Locations.of(JOBS + "/" + creation.job().id()))
        .header(Jobs.REPLAYED, Boolean.toString(creation.replayed()))
        .body(creation.job());
  }

  @GetMapping(Jobs.JOB)
  RelabelJob job(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return jobs.get(jobId);
  }

  /** 202: carries on an INTERRUPTED or FAILED job; 409 otherwise. */
  @PostMapping(Jobs.RESUME)
  ResponseEntity<RelabelJob> resume(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return ResponseEntity.accepted().body(jobs.resume(jobId));
  }

  /** 200 with the CANCELLED job: stops a RUNNING or AWAITING_HUMANS job; 409 once it has ended. */
  @PostMapping(Jobs.CANCEL)
  RelabelJob cancel(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return jobs.cancel(jobId);
  }
}
