package org.ugda.relabel.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.Expert;
import org.ugda.api.relabel.JobState;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.judge.ContentHash;
import org.ugda.relabel.judge.LlmJudge;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;

/** Creates jobs (idempotently), shows them and resumes them. */
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
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
      throw new IllegalArgumentException(
          "Idempotency-Key must be 1 to 200 characters (a UUID is a good key)");
    }
    Expert expert = request.expertKind();
    requireAvailable(expert);
    String requestHash = requestHash(request);
    for (int attempt = 0; attempt < 2; attempt++) {
      Optional<Creation> earlier = earlier(idempotencyKey, requestHash);
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
              jobs.insert(job, idempotencyKey, requestHash, runner.instance());
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
              + "; only INTERRUPTED or FAILED jobs can be resumed");
    }
    runner.launch(id);
    return get(id);
  }

  private Optional<Creation> earlier(String idempotencyKey, String requestHash) {
    if (idempotencyKey == null) {
      return Optional.empty();
    }
    return jobs.byIdempotencyKey(idempotencyKey)
        .map(
            found -> {
              if (!found.requestHash().equals(requestHash)) {
                throw new ConflictException(
                    "Idempotency-Key '"
                        + idempotencyKey
                        + "' was used for a different request (job "
                        + found.id()
                        + "); use a new key for a new job");
              }
              return new Creation(get(found.id()), true);
            });
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

  private static String requestHash(CreateRelabelJob request) {
    List<String> parts = new ArrayList<>();
    parts.add(request.expert());
    for (RelabelItem item : request.items()) {
      parts.add(item.externalId() == null ? "\u0000" : item.externalId());
      parts.add(ContentHash.of(item.prompt(), item.response()));
    }
    return ContentHash.sha256Of(parts);
  }
}
