package org.ugda.relabel.queue;

import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.relabel.ClaimRequest;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.LabelSubmission;

/** {@code /v1/relabel/tasks}: the human queue over HTTP. */
@RestController
@RequestMapping("/v1/relabel/tasks")
class TaskController {

  private final HumanQueue queue;

  TaskController(HumanQueue queue) {
    this.queue = queue;
  }

  /** 200 with a claimed task, or 204 when nothing is open. */
  @PostMapping("/claim")
  ResponseEntity<HumanTask> claim(@RequestBody ClaimRequest request) {
    return queue
        .claim(request.labeller(), request.jobId())
        .map(ResponseEntity::ok)
        .orElseGet(() -> ResponseEntity.noContent().build());
  }

  /** 201 with the new label; 200 with the same label when this claim was already submitted. */
  @PostMapping("/{taskId}/labels")
  ResponseEntity<Label> submit(@PathVariable UUID taskId, @RequestBody LabelSubmission submission) {
    HumanQueue.Submission result = queue.submit(taskId, submission);
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(result.label());
  }
}
