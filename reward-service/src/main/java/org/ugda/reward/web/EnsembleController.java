package org.ugda.reward.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.ugda.api.job.Jobs;
import org.ugda.api.reward.AccuracyReport;
import org.ugda.api.reward.CreateEnsemble;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.EnsembleVersion;
import org.ugda.api.reward.EvaluateRequest;
import org.ugda.api.reward.ImportEnsemble;
import org.ugda.api.reward.Job;
import org.ugda.api.reward.JobKind;
import org.ugda.api.reward.RefineRequest;
import org.ugda.api.reward.ScoreRequest;
import org.ugda.api.reward.ScoreResponse;
import org.ugda.api.reward.TrainRequest;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.evaluate.EvaluationService;
import org.ugda.reward.job.JobService;
import org.ugda.reward.scoring.ScoringService;

/** Ensembles, their versions, scoring, train/refine jobs, evaluation and export. */
@RestController
@RequestMapping(path = "/v1/ensembles", produces = MediaType.APPLICATION_JSON_VALUE)
class EnsembleController {
  private final EnsembleService ensembles;
  private final ScoringService scoring;
  private final JobService jobs;
  private final EvaluationService evaluation;

  EnsembleController(
      EnsembleService ensembles,
      ScoringService scoring,
      JobService jobs,
      EvaluationService evaluation) {
    this.ensembles = ensembles;
    this.scoring = scoring;
    this.jobs = jobs;
    this.evaluation = evaluation;
  }

  /** Creates an ensemble; version 1 holds freshly initialised members. */
  @PostMapping
  ResponseEntity<Ensemble> create(@RequestBody CreateEnsemble req) {
    return ResponseEntity.status(HttpStatus.CREATED).body(ensembles.create(req));
  }

  /** Creates an ensemble from existing PEFT adapters (one per member). */
  @PostMapping("/import")
  ResponseEntity<Ensemble> importAdapters(@RequestBody ImportEnsemble req) {
    return ResponseEntity.status(HttpStatus.CREATED).body(ensembles.importAdapters(req));
  }

  @GetMapping
  List<Ensemble> list() {
    return ensembles.list();
  }

  @GetMapping("/{id}")
  Ensemble get(@PathVariable UUID id) {
    return ensembles.view(ensembles.entity(id));
  }

  @GetMapping("/{id}/versions")
  List<EnsembleVersion> versions(@PathVariable UUID id) {
    return ensembles.versions(id);
  }

  @GetMapping("/{id}/versions/{number}")
  EnsembleVersion version(@PathVariable UUID id, @PathVariable int number) {
    return EnsembleService.view(ensembles.version(id, number));
  }

  /**
   * Every member's reward, the mean and the variance of each item (Eq. 8); 413 past the item limit.
   */
  @PostMapping(path = "/{id}/score", consumes = MediaType.APPLICATION_JSON_VALUE)
  ScoreResponse score(@PathVariable UUID id, @RequestBody ScoreRequest req) {
    return scoring.score(id, req);
  }

  /** Starts a train job (Eq. 1): 202 and the job. */
  @PostMapping(path = "/{id}/train", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Job> train(
      @PathVariable UUID id,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody TrainRequest req) {
    return accepted(jobs.submit(JobKind.TRAIN, id, req, key));
  }

  /** Starts a refine job (Eq. 13-14): 202 and the job. */
  @PostMapping(path = "/{id}/refine", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Job> refine(
      @PathVariable UUID id,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody RefineRequest req) {
    return accepted(jobs.submit(JobKind.REFINE, id, req, key));
  }

  /** 202 and the job; a replay of an earlier request with the same key says so in a header. */
  private static ResponseEntity<Job> accepted(JobService.Submission submission) {
    ResponseEntity.BodyBuilder accepted = ResponseEntity.accepted();
    if (submission.replayed()) {
      accepted.header(Jobs.REPLAYED, "true");
    }
    return accepted.body(submission.job());
  }

  /** Accuracy of each member and of the mean on preference pairs, per subset. */
  @PostMapping(path = "/{id}/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE)
  AccuracyReport evaluate(@PathVariable UUID id, @RequestBody EvaluateRequest req) {
    return evaluation.evaluate(id, req);
  }

  /**
   * A version as a zip in PEFT layout: {@code member-i/adapter_config.json} and {@code
   * member-i/adapter_model.safetensors} per member, and the checksum manifest. Load a member in
   * Python with {@code PeftModel.from_pretrained(AutoModelForSequenceClassification...,
   * "member-0")}.
   */
  @GetMapping(path = "/{id}/versions/{number}/export", produces = "application/zip")
  ResponseEntity<StreamingResponseBody> export(@PathVariable UUID id, @PathVariable int number) {
    VersionEntity v = ensembles.version(id, number);
    Path dir = ensembles.versionPath(v);
    String name = ensembles.entity(id).name() + "-v" + number + ".zip";
    StreamingResponseBody body = out -> zip(dir, out);
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
        .contentType(MediaType.parseMediaType("application/zip"))
        .body(body);
  }

  private static void zip(Path dir, OutputStream out) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(out);
        var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        z.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, z);
        z.closeEntry();
      }
    }
  }
}
