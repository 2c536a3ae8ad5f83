package org.ugda.relabel.label;

import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.job.Jobs;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.LabelCorrection;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/** Labels of a job, and corrections (new labels that supersede old ones). */
@RestController
@RequestMapping("/v1/relabel")
class LabelController {

  private final LabelStore labels;

  LabelController(LabelStore labels) {
    this.labels = labels;
  }

  @GetMapping("/jobs" + Jobs.JOB + "/labels")
  List<Label> labels(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    if (!labels.jobExists(jobId)) {
      throw new NotFoundException("no job with id " + jobId);
    }
    return labels.current(jobId);
  }

  @PostMapping("/labels/{labelId}/corrections")
  ResponseEntity<Label> correct(
      @PathVariable UUID labelId, @RequestBody LabelCorrection correction) {
    Label superseded =
        labels
            .find(labelId)
            .orElseThrow(() -> new NotFoundException("no label with id " + labelId));
    Label corrected =
        labels
            .insertCorrection(
                labelId,
                correction.labeller(),
                correction.score(),
                correction.comment(),
                superseded.rubricVersion())
            .orElseThrow(
                () ->
                    new ConflictException(
                        "label "
                            + labelId
                            + " is already superseded by label "
                            + labels.supersededBy(labelId).orElse(null)
                            + "; correct that one instead"));
    return ResponseEntity.status(HttpStatus.CREATED).body(corrected);
  }
}
