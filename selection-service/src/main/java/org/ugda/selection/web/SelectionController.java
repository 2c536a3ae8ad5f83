package org.ugda.selection.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.ugda.api.job.JobState;
import org.ugda.api.job.Jobs;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SampleExplanation;
import org.ugda.api.selection.SelectedPage;
import org.ugda.api.selection.SelectedSample;
import org.ugda.api.selection.SelectionView;
import org.ugda.selection.job.SelectionService;
import org.ugda.selection.job.SelectionStore;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.web.Locations;
import tools.jackson.databind.json.JsonMapper;

/**
 * Selections: the job resource ({@link Jobs}' paths under {@code /v1/selections}), its samples
 * (paged, filterable by kept), one sample's explanation and the JSONL export of the kept samples.
 */
@RestController
@RequestMapping(path = "/v1/selections", produces = MediaType.APPLICATION_JSON_VALUE)
class SelectionController {
  static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SelectionService selections;
  private final SelectionStore store;
  private final TransactionTemplate tx;

  SelectionController(SelectionService selections, SelectionStore store, TransactionTemplate tx) {
    this.selections = selections;
    this.store = store;
    this.tx = tx;
  }

  /** Starts a selection (202 + Location); with an Idempotency-Key a retry returns the same one. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<SelectionView> create(
      @RequestBody CreateSelection request,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key) {
    SelectionService.Submission s = selections.submit(request, key);
    var b =
        ResponseEntity.accepted().location(Locations.of("/v1/selections/" + s.selection().id()));
    if (s.replayed()) {
      b = b.header(Jobs.REPLAYED, "true");
    }
    return b.body(s.selection());
  }

  /** The newest selections first, of one run where {@code runId} is given. */
  @GetMapping
  List<SelectionView> list(
      @RequestParam(required = false) UUID runId, @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1..500, got " + limit);
    }
    return selections.list(runId, limit);
  }

  @GetMapping(Jobs.JOB)
  SelectionView get(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return selections.view(jobId);
  }

  /** Stops a QUEUED or RUNNING selection (200); 409 once it has ended. */
  @PostMapping(Jobs.CANCEL)
  SelectionView cancel(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return selections.cancel(jobId);
  }

  /** Runs an INTERRUPTED, FAILED or CANCELLED selection again from the log (202). */
  @PostMapping(Jobs.RESUME)
  ResponseEntity<SelectionView> resume(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    return ResponseEntity.accepted().body(selections.resume(jobId));
  }

  /**
   * A page of the selection's samples in log order: {@code after} is the previous page's {@code
   * next} (a rollout id), {@code kept} keeps only the kept (true) or the dropped (false) samples.
   */
  @GetMapping(Jobs.JOB + "/samples")
  SelectedPage samples(
      @PathVariable(Jobs.JOB_ID) UUID jobId,
      @RequestParam(required = false) Long after,
      @RequestParam(required = false) Boolean kept,
      @RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
    finished(jobId);
    List<SelectedSample> items = store.samples(jobId, after == null ? 0 : after, kept, limit);
    String next =
        items.size() < limit ? null : Long.toString(items.get(items.size() - 1).rolloutId());
    return new SelectedPage(items, next);
  }

  /** One sample: its ranks, its cosines per checkpoint and subtask, and why it was kept or not. */
  @GetMapping(Jobs.JOB + "/samples/{rolloutId}/explain")
  SampleExplanation explain(@PathVariable(Jobs.JOB_ID) UUID jobId, @PathVariable long rolloutId) {
    SelectionView v = finished(jobId);
    var found =
        store
            .sample(jobId, rolloutId)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "selection " + jobId + " has no sample with rollout id " + rolloutId));
    Map<Integer, Double> weights = selections.weights(jobId);
    List<SampleExplanation.CheckpointCosines> cps = new ArrayList<>();
    for (var e : found.getValue().entrySet()) {
      int epoch = Integer.parseInt(e.getKey());
      cps.add(new SampleExplanation.CheckpointCosines(epoch, weights.get(epoch), e.getValue()));
    }
    return new SampleExplanation(found.getKey(), cps, Explanations.reason(v, found.getKey()));
  }

  /**
   * The kept samples as JSONL ({@code application/x-ndjson}), one relabel-service item per line
   * ({@code {"externalId": rolloutId, "prompt", "response"}}): the {@code items} of a relabel job.
   */
  @GetMapping(path = Jobs.JOB + "/export", produces = "application/x-ndjson")
  ResponseEntity<StreamingResponseBody> export(@PathVariable(Jobs.JOB_ID) UUID jobId) {
    finished(jobId);
    StreamingResponseBody body =
        out ->
            tx.executeWithoutResult(
                st ->
                    store.keptItems(
                        jobId,
                        item -> {
                          try {
                            out.write(JSON.writeValueAsBytes(item));
                            out.write('\n');
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }));
    return ResponseEntity.ok()
        .contentType(NDJSON)
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"selection-" + jobId + "-kept.jsonl\"")
        .body(body);
  }

  private SelectionView finished(UUID jobId) {
    SelectionView v = selections.view(jobId);
    if (v.state() != JobState.SUCCEEDED) {
      throw new ConflictException(
          "selection "
              + jobId
              + " is "
              + v.state()
              + "; its samples can be read once it has SUCCEEDED");
    }
    return v;
  }
}
