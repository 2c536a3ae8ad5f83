package org.ugda.reward.job;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.reward.Job;
import org.ugda.api.reward.JobState;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.Json;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/**
 * Asynchronous train and refine jobs. A job is checked before its row is written (bad input leaves
 * nothing behind), runs on one worker thread (backward passes are serialised JVM-wide anyway),
 * reports progress, can be cancelled, and a restart marks what was running as {@code INTERRUPTED},
 * to be resumed. An idempotency key makes a retried POST return the job it created the first time.
 * A job's version is published before the job is marked done, so a resume after a crash in between
 * finds the version and does not make another.
 */
@Service
public class JobService implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(JobService.class);
  private static final long PROGRESS_EVERY_MS = 300;

  private final JobRepository repo;
  private final TransactionTemplate tx;
  private final EnsembleService ensembles;
  private final Map<String, JobRunner> runners;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "reward-jobs");
            t.setDaemon(true);
            return t;
          });
  private final Map<UUID, Boolean> cancelFlags = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;
  private final MeterRegistry meters;

  JobService(
      JobRepository repo,
      TransactionTemplate tx,
      EnsembleService ensembles,
      List<JobRunner> runners,
      MeterRegistry meters) {
    this.repo = repo;
    this.tx = tx;
    this.ensembles = ensembles;
    this.runners = runners.stream().collect(Collectors.toMap(JobRunner::kind, Function.identity()));
    this.meters = meters;
  }

  /** After a restart, whatever was queued or running did not finish: say so. */
  @EventListener(ApplicationReadyEvent.class)
  void markInterrupted() {
    tx.executeWithoutResult(
        s -> {
          for (JobEntity j : repo.findByStateIn(EnumSet.of(JobState.QUEUED, JobState.RUNNING))) {
            j.finish(
                JobState.INTERRUPTED,
                null,
                "interrupted by a restart of the service; POST /v1/jobs/"
                    + j.id()
                    + "/resume to run it again",
                Instant.now());
            repo.save(j);
            log.warn("job {} ({}) was interrupted by a restart", j.id(), j.kind());
          }
        });
  }

  public Job submit(String kind, UUID ensembleId, Object request, String idempotencyKey) {
    JobRunner runner = runners.get(kind);
    ensembles.entity(ensembleId);
    String json = Json.write(request);
    Object parsed = runner.validate(ensembleId, json);
    if (idempotencyKey != null) {
      if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
        throw new IllegalArgumentException("Idempotency-Key must be 1-200 characters");
      }
      var existing = repo.findByIdempotencyKey(idempotencyKey);
      if (existing.isPresent()) {
        JobEntity j = existing.get();
        if (j.kind().equals(kind)
            && j.ensembleId().equals(ensembleId)
            && j.request().equals(json)) {
          return view(j);
        }
        throw new ConflictException(
            "Idempotency-Key '"
                + idempotencyKey
                + "' was used for another request (job "
                + j.id()
                + "); use a new key for a new request");
      }
    }
    JobEntity j =
        new JobEntity(UUID.randomUUID(), kind, ensembleId, json, idempotencyKey, Instant.now());
    try {
      tx.executeWithoutResult(s -> repo.save(j));
    } catch (RuntimeException e) {
      var raced =
          idempotencyKey == null
              ? java.util.Optional.<JobEntity>empty()
              : repo.findByIdempotencyKey(idempotencyKey);
      if (raced.isPresent() && raced.get().request().equals(json)) {
        return view(raced.get());
      }
      throw e;
    }
    schedule(j.id(), parsed);
    meters.counter("ugda.reward.jobs", "kind", kind, "event", "submitted").increment();
    return view(j);
  }

  private void schedule(UUID id, Object parsed) {
    cancelFlags.put(id, false);
    executor.submit(() -> execute(id, parsed));
  }

  private void execute(UUID id, Object parsed) {
    // QUEUED -> RUNNING under the row lock: a cancel that got there first wins
    if (!updateIf(
        id, e -> e.state() == JobState.QUEUED, e -> e.state(JobState.RUNNING, Instant.now()))) {
      cancelFlags.remove(id);
      return;
    }
    JobEntity j = entity(id);
    JobRunner runner = runners.get(j.kind());
    long[] lastWrite = {0};
    JobRunner.JobContext ctx =
        new JobRunner.JobContext() {
          @Override
          public void progress(double fraction, Map<String, Object> detail) {
            long now = System.currentTimeMillis();
            if (now - lastWrite[0] >= PROGRESS_EVERY_MS || fraction >= 1) {
              lastWrite[0] = now;
              String d = Json.write(detail);
              update(
                  id,
                  e -> {
                    e.progress(Math.min(1, fraction), d, Instant.now());
                    if (e.cancelRequested()) {
                      cancelFlags.computeIfPresent(id, (k, v) -> true);
                    }
                  });
            }
          }

          @Override
          public boolean cancelled() {
            return Boolean.TRUE.equals(cancelFlags.get(id));
          }
        };
    try {
      Map<String, Object> result = runner.run(id, j.ensembleId(), parsed, ctx);
      String r = Json.write(result);
      update(id, e -> e.finish(JobState.SUCCEEDED, r, null, Instant.now()));
      meters.counter("ugda.reward.jobs", "kind", j.kind(), "event", "succeeded").increment();
    } catch (CancellationException e) {
      if (shuttingDown) {
        update(
            id,
            x ->
                x.finish(
                    JobState.INTERRUPTED,
                    null,
                    "interrupted by a shutdown; POST /v1/jobs/" + id + "/resume to run it again",
                    Instant.now()));
        return;
      }
      update(id, x -> x.finish(JobState.CANCELLED, null, e.getMessage(), Instant.now()));
      meters.counter("ugda.reward.jobs", "kind", j.kind(), "event", "cancelled").increment();
    } catch (RuntimeException | Error e) {
      log.error("job {} ({}) failed", id, j.kind(), e);
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      update(id, x -> x.finish(JobState.FAILED, null, msg, Instant.now()));
      meters.counter("ugda.reward.jobs", "kind", j.kind(), "event", "failed").increment();
    } finally {
      cancelFlags.remove(id);
    }
  }

  /**
   * Changes the job's row under its lock, so that concurrent changes (progress, cancel, finish)
   * never undo each other.
   */
  private void update(UUID id, java.util.function.Consumer<JobEntity> change) {
    updateIf(id, e -> true, change);
  }

  /**
   * Changes the job's row under its lock if {@code when} holds for it then; says whether it did.
   */
  private boolean updateIf(
      UUID id,
      java.util.function.Predicate<JobEntity> when,
      java.util.function.Consumer<JobEntity> change) {
    return Boolean.TRUE.equals(
        tx.execute(
            s ->
                repo.lockById(id)
                    .filter(when)
                    .map(
                        e -> {
                          change.accept(e);
                          repo.save(e);
                          return true;
                        })
                    .orElse(false)));
  }

  public Job get(UUID id) {
    return view(entity(id));
  }

  private JobEntity entity(UUID id) {
    return repo.findById(id).orElseThrow(() -> new NotFoundException("no job " + id));
  }

  /**
   * Cancels a QUEUED job at once, or asks a RUNNING one to stop at its next step. Each state change
   * happens under the job's row lock, and states only move forward (QUEUED, RUNNING, an end), so a
   * job that starts at the same moment cannot overwrite the cancel, nor end before the request is
   * recorded. A job running in another replica sees the request in its row at its next progress
   * write.
   */
  public Job cancel(UUID id) {
    entity(id);
    Instant now = Instant.now();
    boolean done =
        updateIf(
                id,
                e -> e.state() == JobState.QUEUED,
                e -> e.finish(JobState.CANCELLED, null, "cancelled before it started", now))
            || updateIf(
                id,
                e -> e.state() == JobState.RUNNING,
                e -> {
                  e.requestCancel(now);
                  cancelFlags.computeIfPresent(id, (k, v) -> true);
                });
    if (!done) {
      JobEntity j = entity(id);
      throw new ConflictException(
          "job " + id + " is " + j.state() + "; only QUEUED or RUNNING jobs can be cancelled");
    }
    return get(id);
  }

  public Job resume(UUID id) {
    JobEntity j = entity(id);
    if (j.state() != JobState.INTERRUPTED && j.state() != JobState.FAILED) {
      throw new ConflictException(
          "job " + id + " is " + j.state() + "; only INTERRUPTED or FAILED jobs can be resumed");
    }
    VersionEntity done = ensembles.versionOfJob(id);
    if (done != null) {
      String r = Json.write(Map.of("version", done.number(), "recovered", true));
      update(id, e -> e.finish(JobState.SUCCEEDED, r, null, Instant.now()));
      return get(id);
    }
    Object parsed = runners.get(j.kind()).validate(j.ensembleId(), j.request());
    update(id, e -> e.resetForResume(Instant.now()));
    schedule(id, parsed);
    return get(id);
  }

  static Job view(JobEntity j) {
    return new Job(
        j.id(),
        j.kind(),
        j.ensembleId(),
        j.state(),
        j.progress(),
        Json.map(j.detail()),
        Json.map(j.result()),
        j.error(),
        j.createdAt(),
        j.updatedAt());
  }

  @Override
  public void destroy() throws InterruptedException {
    shuttingDown = true;
    cancelFlags.replaceAll((k, v) -> true);
    executor.shutdown();
    if (!executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }
}
