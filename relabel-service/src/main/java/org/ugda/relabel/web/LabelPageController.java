package org.ugda.relabel.web;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;
import org.ugda.api.relabel.ClaimRequest;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.LabelSubmission;
import org.ugda.relabel.job.ItemStore;
import org.ugda.relabel.queue.HumanQueue;
import org.ugda.support.problem.ConflictException;

/**
 * The labelling page, {@code /label} (behind the gateway {@code /api/relabel/label}). {@code GET
 * /label?labeller=alice[&job=...]} shows the task the labeller holds, or a button to claim the next
 * one: opening or reloading the page never claims (a GET changes nothing). Claiming is an explicit
 * {@code POST /label} with {@code claim=next} (the button); pressing 1-5 posts the score ({@code
 * POST /label}), which also claims the next task, and the page moves on to it.
 *
 * <p>Who labels is what the labeller typed here; behind the gateway, the gateway lets a labeller's
 * key in only under the key's own name.
 */
@Controller
class LabelPageController {

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  private final HumanQueue queue;
  private final ItemStore items;

  LabelPageController(HumanQueue queue, ItemStore items) {
    this.queue = queue;
    this.items = items;
  }

  @GetMapping("/label")
  ResponseEntity<String> page(
      @RequestParam(name = "labeller", required = false) String labeller,
      @RequestParam(name = "job", required = false) UUID jobId,
      @RequestParam(name = "notice", required = false) String notice) {
    if (labeller == null || labeller.isBlank()) {
      return html(HttpStatus.OK, LabelPage.signIn());
    }
    ClaimRequest request = new ClaimRequest(labeller, jobId);
    Optional<HumanTask> task = queue.held(request.labeller(), request.jobId());
    return html(
        HttpStatus.OK,
        task.map(t -> LabelPage.task(t, notice))
            .orElseGet(
                () ->
                    LabelPage.empty(
                        labeller, jobId, jobId == null ? null : items.progress(jobId), notice)));
  }

  /** The claim button: claims the next task and shows it (303 to the page). */
  @PostMapping(
      path = "/label",
      params = "claim",
      consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  ResponseEntity<String> claim(
      @RequestParam("labeller") String labeller,
      @RequestParam(name = "job", required = false) UUID jobId) {
    ClaimRequest request = new ClaimRequest(labeller, jobId);
    Optional<HumanTask> task;
    try {
      task = queue.claim(request.labeller(), request.jobId());
    } catch (ConflictException cancelled) {
      // the job was cancelled: say so on the page, with its progress, instead of a JSON body
      return html(
          HttpStatus.CONFLICT,
          LabelPage.empty(labeller, jobId, items.progress(jobId), cancelled.getMessage()));
    }
    return seeOther(
        labeller, jobId, task.isPresent() ? null : "Nothing to label right now; try again soon.");
  }

  @PostMapping(
      path = "/label",
      params = "!claim",
      consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  ResponseEntity<String> submit(
      @RequestParam("taskId") UUID taskId,
      @RequestParam("claimId") UUID claimId,
      @RequestParam("labeller") String labeller,
      @RequestParam("score") Integer score,
      @RequestParam(name = "comment", required = false) String comment,
      @RequestParam(name = "job", required = false) UUID jobId) {
    String notice;
    try {
      queue.submit(
          taskId,
          new LabelSubmission(
              claimId,
              labeller,
              score,
              comment == null || comment.isBlank() ? null : comment.strip()));
      notice = "Saved score " + score + ".";
    } catch (ConflictException conflict) {
      notice = "Not saved: " + conflict.getMessage();
    }
    try {
      // submitting is the labeller's explicit POST: it moves on to the next task
      queue.claim(labeller, jobId);
    } catch (ConflictException cancelled) {
      notice = notice + " " + cancelled.getMessage();
    }
    return seeOther(labeller, jobId, notice);
  }

  private static ResponseEntity<String> seeOther(String labeller, UUID jobId, String notice) {
    String location =
        LabelPage.next(labeller, jobId)
            + (notice == null
                ? ""
                : "&notice=" + UriUtils.encodeQueryParam(notice, StandardCharsets.UTF_8));
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .header(HttpHeaders.LOCATION, location)
        .build();
  }

  private static ResponseEntity<String> html(HttpStatus status, String body) {
    return ResponseEntity.status(status).contentType(HTML).body(body);
  }
}
