package org.ugda.reward.web;

import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.job.Jobs;
import org.ugda.api.reward.Job;
import org.ugda.reward.job.JobService;

/**
 * Job state, progress and results; cancel and resume (the paths every service uses: {@link Jobs}).
 */
@RestController
@RequestMapping(path = "/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {
  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  @GetMapping(Jobs.JOB)
  Job get(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return jobs.get(jobId);
  }

  /** Stops a QUEUED or RUNNING job (200); 409 once it has ended. */
  @PostMapping(Jobs.CANCEL)
  Job cancel(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return jobs.cancel(jobId);
  }

  /** Runs an INTERRUPTED or FAILED job again (202); 409 in any other state. */
  @PostMapping(Jobs.RESUME)
  ResponseEntity<Job> resume(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return ResponseEntity.accepted().body(jobs.resume(jobId));
  }
}
