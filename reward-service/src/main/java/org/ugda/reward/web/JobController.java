package org.ugda.reward.web;

import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.reward.Job;
import org.ugda.reward.job.JobService;

/** Job state, progress and results; cancel and resume. */
@RestController
@RequestMapping(path = "/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {
  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  @GetMapping("/{id}")
  Job get(@PathVariable UUID id) {
    return jobs.get(id);
  }

  @PostMapping("/{id}/cancel")
  Job cancel(@PathVariable UUID id) {
    return jobs.cancel(id);
  }

  /** Runs an INTERRUPTED or FAILED job again (202). */
  @PostMapping("/{id}/resume")
  ResponseEntity<Job> resume(@PathVariable UUID id) {
    return ResponseEntity.accepted().body(jobs.resume(id));
  }
}
