package org.ugda.api.selection;

import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.ugda.api.job.Jobs;

/**
 * Declarative client of the selection service ({@code @ImportHttpServices(group = "selection",
 * types = SelectionClient.class)} and {@code spring.http.serviceclient.selection.base-url}). Errors
 * arrive as problem+json.
 */
@HttpExchange("/v1/selections")
public interface SelectionClient {

  /** Starts a selection (202); the same key and body return the selection created first. */
  @PostExchange
  SelectionView create(
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody CreateSelection request);

  @GetExchange(Jobs.JOB)
  SelectionView selection(@PathVariable(Jobs.JOB_ID) UUID jobId);

  @PostExchange(Jobs.CANCEL)
  SelectionView cancel(@PathVariable(Jobs.JOB_ID) UUID jobId);

  @PostExchange(Jobs.RESUME)
  SelectionView resume(@PathVariable(Jobs.JOB_ID) UUID jobId);

  /** A page of the samples in log order ({@code after}: the previous page's {@code next}). */
  @GetExchange(Jobs.JOB + "/samples")
  SelectedPage samples(
      @PathVariable(Jobs.JOB_ID) UUID jobId,
      @RequestParam(required = false) Long after,
      @RequestParam(required = false) Boolean kept,
      @RequestParam int limit);

  /**
   * The kept samples as JSONL, one relabel-service item ({@code externalId}, {@code prompt}, {@code
   * response}) per line.
   */
  @GetExchange(value = Jobs.JOB + "/export", accept = "application/x-ndjson")
  String export(@PathVariable(Jobs.JOB_ID) UUID jobId);
}
