package org.ugda.relabel.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Expert;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.judge.ContentHash;
import org.ugda.relabel.judge.LlmJudge;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;

/** Creates jobs (idempotently), shows them, resumes and cancels them. */
@Service
public class JobService {

  /**
   * A created or found job.
   *
   * @param job the job
   * @param replayed true when an earlier request with the same idempotency key created it
   */
  public record Creation(RelabelJob job, boolean replayed) {}

  private final JobStore jobs;
  private final ItemStore items;
  private final JobRunner runner;
  private final LlmJudge judge;
  private final JobProperties properties;
  private final TransactionTemplate transactions;

  JobService(
      JobStore jobs,
      ItemStore items,
      JobRunner runner,
      LlmJudge judge,
      JobProperties properties,
      TransactionTemplate transactions) {
    this.jobs = jobs;
    this.items = items;
    this.runner = runner;
    this.judge = judge;
    this.properties = properties;
    this.transactions = transactions;
  }

  /**
   * Creates and starts a job; with an {@code idempotencyKey} seen before, returns that job instead
   * (409 if the key came with a different request).
   */
  public Creation create(String idempotencyKey, CreateRelabelJob request) {
    checkLimits(request);
    Optional<String> key = IdempotencyKeys.check(idempotencyKey);
    Expert expert = request.expertKind();
    requireAvailable(expert);
    String requestHash = requestHash(request);
    for (int attempt = 0; attempt < 2; attempt++) {
      Optional<Creation> earlier = earlier(key, requestHash);
      if (earlier.isPresent()) {
        return earlier.get();
      }
      JobStore.Job job =
          new JobStore.Job(
              UUID.randomUUID(),
              expert,
              judge.rubric().version(),
              expert == Expert.OPENAI || expert == Expert.OPENAI_THEN_HUMAN ? judge.model() : null);
      try {
        transactions.executeWithoutResult(
            status -> {
              jobs.insert(job, key.orElse(null), requestHash, runner.instance());
              items.insert(job.id(), request.items());
            });
      } catch (DuplicateKeyException raced) {
        continue; // a concurrent request with the same key won: return its job
      }
      runner.launch(job.id());
      return new Creation(get(job.id()), false);
    }
    throw new IllegalStateException(
        "idempotency key " + idempotencyKey + " neither inserted nor found");
  }

  public RelabelJob get(UUID id) {
    return jobs.view(id).orElseThrow(() -> new NotFoundException("no job with id " + id));
  }

  /** Carries on an interrupted or failed job. */
  public RelabelJob resume(UUID id) {
    JobStore.Job job =
        jobs.job(id).orElseThrow(() -> new NotFoundException("no job with id " + id));
    requireAvailable(job.expert());
    if (job.model() != null
        && (!job.model().equals(judge.model())
            || !job.rubricVersion().equals(judge.rubric().version()))) {
      throw new ConflictException(
          "job "
              + id
              + " was created for model "
              + job.model()
              + " and rubric "
              + job.rubricVersion()
              + "; this instance judges with "
              + judge.model()
              + " and "
              + judge.rubric().version()
              + ". Create a new job instead, so that one job's labels share a rubric");
    }
    Optional<JobState> refused = jobs.resume(id, runner.instance());
    if (refused.isPresent()) {
      throw new ConflictException(
          "job "
              + id
              + " is "
              + refused.get()
              + "; only INTERRUPTED or FAILED jobs can be resumed"
              + (refused.get() == JobState.CANCELLED
                  ? " (a cancelled job stays cancelled: create a new job for the items it left"
                      + " unlabelled)"
                  : ""));
    }
    runner.launch(id);
    return get(id);
  }

  /**
   * Cancels a running job or one waiting for humans: items not yet labelled are not worked on any
   * more, its open human tasks are withdrawn, labels already given stay. 409 once it has ended.
   */
  public RelabelJob cancel(UUID id) {
    jobs.job(id).orElseThrow(() -> new NotFoundException("no job with id " + id));
    Optional<JobState> refused = jobs.cancel(id);
    if (refused.isPresent()) {
      throw new ConflictException(
          "job "
              + id
              + " has already ended ("
              + refused.get()
              + "); only a RUNNING or AWAITING_HUMANS job can be cancelled");
    }
    runner.stop(id);
    return get(id);
  }

  /** The job an earlier request with this key created (409 if that request was another). */
  private Optional<Creation> earlier(Optional<String> key, String requestHash) {
    return key.flatMap(
        given ->
            jobs.byIdempotencyKey(given)
                .map(
                    found ->
                        IdempotencyKeys.replay(
                            given, found.requestHash(), requestHash, found.id(), found.id()))
                .map(id -> new Creation(get(id), true)));
  }

  private void requireAvailable(Expert expert) {
    if ((expert == Expert.OPENAI || expert == Expert.OPENAI_THEN_HUMAN) && !judge.available()) {
      throw new ConflictException(judge.unavailableReason().orElseThrow());
    }
  }

  private void checkLimits(CreateRelabelJob request) {
    if (request.items().size() > properties.maxItems()) {
      throw new TooLargeException(
          request.items().size()
              + " items is more than the "
              + properties.maxItems()
              + " a job may hold (ugda.relabel.jobs.max-items); split the batch into several jobs");
    }
    for (int i = 0; i < request.items().size(); i++) {
      RelabelItem item = request.items().get(i);
      int longest = Math.max(item.prompt().length(), item.response().length());
      if (longest > properties.maxTextChars()) {
        throw new TooLargeException(
            "items["
                + i
                + "] has a prompt or response of "
                + longest
                + " characters, more than the "
                + properties.maxTextChars()
                + " allowed (ugda.relabel.jobs.max-text-chars); shorten or leave it out");
      }
    }
  }

  /**
   * The request's fingerprint for {@link IdempotencyKeys}: the expert and, per item, its external
   * id and content hash, length-prefixed; the same hex as the {@code request_hash} stored before
   * the shared rule existed (see {@link ContentHash#lengthPrefixed}), so keys of older jobs still
   * match.
   */
  private static String requestHash(CreateRelabelJob request) {
    List<String> parts = new ArrayList<>();
    parts.add(request.expert());
    for (RelabelItem item : request.items()) {
      parts.add(item.externalId() == null ? "\u0000" : item.externalId());
      parts.add(ContentHash.of(item.prompt(), item.response()));
    }
    return IdempotencyKeys.fingerprint(ContentHash.lengthPrefixed(parts));
  }
}
