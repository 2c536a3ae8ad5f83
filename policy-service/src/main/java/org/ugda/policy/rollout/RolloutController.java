package org.ugda.policy.rollout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriUtils;
import org.ugda.api.policy.RolloutPage;
import org.ugda.api.policy.RolloutView;
import org.ugda.api.policy.RunRewards;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.web.Locations;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's rollout log over HTTP: pages (keyset, with an opaque cursor and a {@code Link} header),
 * one rollout, the whole log as JSONL, and the members' rewards that reward-service's refine reads.
 */
@RestController
@RequestMapping("/v1/runs/{runId}")
class RolloutController {

  private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private final RolloutLog log;
  private final RolloutProperties properties;
  private final JsonMapper json;

  RolloutController(RolloutLog log, RolloutProperties properties, JsonMapper json) {
    this.log = log;
    this.properties = properties;
    this.json = json;
  }

  /**
   * One page of the run's rollouts, oldest first: {@code limit} rows (default 100, at most 1000)
   * after the cursor {@code after} (a previous page's {@code next}), optionally only steps {@code
   * fromStep..toStep} (inclusive) and one {@code subtask}. The next page's URL is also in a {@code
   * Link: <...>; rel="next"} header.
   */
  @GetMapping("/rollouts")
  ResponseEntity<RolloutPage> page(
      @PathVariable UUID runId,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) Integer fromStep,
      @RequestParam(required = false) Integer toStep,
      @RequestParam(required = false) String subtask) {
    int size = limit == null ? properties.defaultPageSize() : limit;
    if (size < 1 || size > properties.maxPageSize()) {
      throw new IllegalArgumentException(
          "limit must be from 1 to "
              + properties.maxPageSize()
              + ", got "
              + size
              + "; page on with the next cursor, or read the whole log from /v1/runs/"
              + runId
              + "/rollouts/export");
    }
    long afterId = RolloutCursor.parse(after);
    RolloutFilter filter = new RolloutFilter(fromStep, toStep, subtask);
    requireRun(runId);
    RolloutLog.Page page = log.page(runId, filter, afterId, size);
    if (page.nextAfter() == null) {
      return ResponseEntity.ok(new RolloutPage(page.items(), null));
    }
    String next = RolloutCursor.after(page.nextAfter());
    return ResponseEntity.ok()
        .header(HttpHeaders.LINK, "<" + nextPage(runId, next, limit, filter) + ">; rel=\"next\"")
        .body(new RolloutPage(page.items(), next));
  }

  /** One rollout of the run. */
  @GetMapping("/rollouts/{rolloutId}")
  RolloutView rollout(@PathVariable UUID runId, @PathVariable long rolloutId) {
    requireRun(runId);
    return log.find(runId, rolloutId)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "run "
                        + runId
                        + " has no rollout with id "
                        + rolloutId
                        + "; list its rollouts at /v1/runs/"
                        + runId
                        + "/rollouts"));
  }

  /**
   * Every rollout of the run that matches the filters, oldest first, as JSONL ({@code
   * application/x-ndjson}: one object per line, the fields of a page's items), streamed from a
   * database cursor.
   */
  @GetMapping("/rollouts/export")
  ResponseEntity<StreamingResponseBody> export(
      @PathVariable UUID runId,
      @RequestParam(required = false) Integer fromStep,
      @RequestParam(required = false) Integer toStep,
      @RequestParam(required = false) String subtask) {
    RolloutFilter filter = new RolloutFilter(fromStep, toStep, subtask);
    requireRun(runId);
    StreamingResponseBody body =
        out ->
            log.stream(
                runId,
                filter,
                view -> {
                  try {
                    out.write(json.writeValueAsBytes(view));
                    out.write('\n');
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    return ResponseEntity.ok()
        .contentType(NDJSON)
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"run-" + runId + "-rollouts.jsonl\"")
        .body(body);
  }

  /**
   * Every member's reward of each of the run's rollouts that {@code version} of {@code ensemble}
   * scored: {@code members[i][s]} is member i's reward of sample s, samples in log order.
   */
  @GetMapping("/rewards")
  RunRewards rewards(
      @PathVariable UUID runId, @RequestParam UUID ensemble, @RequestParam int version) {
    if (version < 1) {
      throw new IllegalArgumentException(
          "version must be at least 1 (ensemble versions count from 1), got " + version);
    }
    requireRun(runId);
    List<List<Double>> members = log.memberRewards(runId, ensemble, version);
    if (members.isEmpty()) {
      throw new NotFoundException(
          "run "
              + runId
              + " has no rollout scored by ensemble "
              + ensemble
              + " version "
              + version
              + "; "
              + scoredWith(runId));
    }
    return new RunRewards(members);
  }

  private String scoredWith(UUID runId) {
    List<RolloutLog.Scoring> scorings = log.scoredWith(runId);
    if (scorings.isEmpty()) {
      return "it has logged no rollouts yet";
    }
    return "its rollouts were scored with "
        + scorings.stream()
            .map(
                s ->
                    (s.ensembleId() == null
                            ? "no ensemble"
                            : "ensemble " + s.ensembleId() + " version " + s.ensembleVersion())
                        + " ("
                        + s.rollouts()
                        + (s.rollouts() == 1 ? " rollout)" : " rollouts)"))
            .collect(Collectors.joining(", "));
  }

  private void requireRun(UUID runId) {
    if (!log.exists(runId)) {
      throw new NotFoundException("no run with id " + runId);
    }
  }

  /** The URL of the next page, as the caller reaches this service (gateway prefix included). */
  private static URI nextPage(UUID runId, String next, Integer limit, RolloutFilter filter) {
    List<String> query = new ArrayList<>();
    query.add("after=" + next);
    if (limit != null) {
      query.add("limit=" + limit);
    }
    if (filter.fromStep() != null) {
      query.add("fromStep=" + filter.fromStep());
    }
    if (filter.toStep() != null) {
      query.add("toStep=" + filter.toStep());
    }
    if (filter.subtask() != null) {
      // every character but the unreserved ones escaped, '+' too (a query reads it as a space)
      query.add("subtask=" + UriUtils.encode(filter.subtask(), StandardCharsets.UTF_8));
    }
    return URI.create(
        Locations.of("/v1/runs/" + runId + "/rollouts") + "?" + String.join("&", query));
  }
}
