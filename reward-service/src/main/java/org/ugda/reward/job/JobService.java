package org.ugda.reward.job;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.api.reward.Job;
import org.ugda.api.reward.JobKind;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.JsonColumns;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.storage.StorageRoot;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.Problems;

/**
 * Asynchronous train and refine jobs. A job is checked before its row is written (bad input leaves
 * nothing behind), runs on one worker thread (backward passes are serialised JVM-wide anyway),
 * reports progress, can be cancelled, and a restart marks what was running as {@code INTERRUPTED},
 * to be resumed. An idempotency key makes a retried POST return the job it created the first time
 * ({@link IdempotencyKeys}). A job's version is published before the job is marked done, so a
 * resume after a crash in between finds the version and does not make another.
 *
 * <p>Each kind has its {@link JobRunner}, which sees only its own request type; the request is kept
 * in the job's row as JSON so that a resume can run it again.
 */
@Service
public class JobService implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(JobService.class);
  private static final long PROGRESS_EVERY_MS = 300;

  /** A submitted job, and whether it is one an earlier request with the same key created. */
  public record Submission(Job job, boolean replayed) {}

  private final JobRepository repo;
  private final TransactionTemplate tx;
  private final EnsembleService ensembles;
  private final StorageRoot storage;
  private final Map<JobKind, JobRunner<?>> runners = new EnumMap<>(JobKind.class);
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
      StorageRoot storage,
      List<JobRunner<?>> runners,
      MeterRegistry meters) {
    this.repo = repo;
    this.tx = tx;
    this.ensembles = ensembles;
    this.storage = storage;
    for (JobRunner<?> runner : runners) {
      if (this.runners.put(runner.kind(), runner) != null) {
        throw new IllegalStateException("two runners for " + runner.kind() + " jobs");
      }
    }
    for (JobKind kind : JobKind.values()) {
      if (!this.runners.containsKey(kind)) {
        throw new IllegalStateException("no runner for " + kind + " jobs");
      }
    }
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

  /**
   * Checks a request, writes its job and queues it; with an idempotency key seen before, returns
   * the job that key created (same request) or refuses (another request, 409).
   */
  public <R> Submission submit(JobKind kind, UUID ensembleId, R request, String idempotencyKey) {
    JobRunner<R> runner = runner(kind, request);
    Optional<String> key = IdempotencyKeys.check(idempotencyKey);
    ensembles.entity(ensembleId);
    R checked = runner.validate(ensembleId, request);
    String json = JsonColumns.write(checked);
    String fingerprint = fingerprint(kind, ensembleId, json);
    Optional<JobEntity> earlier = key.flatMap(repo::findByIdempotencyKey);
    if (earlier.isPresent()) {
      return replay(key.get(), earlier.get(), fingerprint);
    }
    JobEntity j =
        new JobEntity(UUID.randomUUID(), kind, ensembleId, json, key.orElse(null), Instant.now());
    try {
      tx.executeWithoutResult(s -> repo.save(j));
    } catch (RuntimeException e) {
      // a request with the same key may have committed its job in the meantime
      Optional<JobEntity> raced = key.flatMap(repo::findByIdempotencyKey);
      if (raced.isPresent()) {
        return replay(key.get(), raced.get(), fingerprint);
      }
      throw e;
    }
    schedule(j.id(), runner, ensembleId, checked);
    meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "submitted").increment();
    return new Submission(view(j), false);
  }

  /** The runner of {@code kind}, which takes {@code request}'s type. */
  @SuppressWarnings("unchecked") // checked: the runner's request type accepts the request
  private <R> JobRunner<R> runner(JobKind kind, R request) {
    Objects.requireNonNull(request, "request");
    JobRunner<?> runner = runners.get(kind);
    if (!runner.requestType().isInstance(request)) {
      throw new IllegalStateException(
          kind
              + " jobs take a "
              + runner.requestType().getSimpleName()
              + ", not a "
              + request.getClass().getSimpleName());
    }
    return (JobRunner<R>) runner;
  }

  private Submission replay(String key, JobEntity earlier, String fingerprint) {
    String stored = fingerprint(earlier.kind(), earlier.ensembleId(), earlier.request());
    return new Submission(
        IdempotencyKeys.replay(key, stored, fingerprint, view(earlier), earlier.id()), true);
  }

  /** A request as the idempotency rule compares it: its kind, its ensemble and its body. */
  private static String fingerprint(JobKind kind, UUID ensembleId, String requestJson) {
    return IdempotencyKeys.fingerprint(kind.name() + "\n" + ensembleId + "\n" + requestJson);
  }

  private <R> void schedule(UUID id, JobRunner<R> runner, UUID ensembleId, R request) {
    cancelFlags.put(id, false);
    executor.submit(
        () -> execute(id, runner.kind(), ctx -> runner.run(id, ensembleId, request, ctx)));
  }

  private void execute(
      UUID id, JobKind kind, Function<JobRunner.JobContext, Map<String, Object>> work) {
    // QUEUED -> RUNNING under the row lock: a cancel that got there first wins
    if (!updateIf(
        id, e -> e.state() == JobState.QUEUED, e -> e.state(JobState.RUNNING, Instant.now()))) {
      cancelFlags.remove(id);
      return;
    }
    try {
      RowContext context = new RowContext(id);
      Map<String, Object> result = work.apply(context);
      String r = JsonColumns.write(result);
      String lastDetail = context.lastDetail();
      update(
          id,
          e -> {
            // the last report may have fallen between two throttled writes
            if (lastDetail != null) {
              e.progress(1, lastDetail, Instant.now());
            }
            e.finish(JobState.SUCCEEDED, r, null, Instant.now());
          });
      meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "succeeded").increment();
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
      meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "cancelled").increment();
    } catch (RuntimeException | Error e) {
      log.error("job {} ({}) failed", id, kind, e);
      // a job's error is read over HTTP: files named by core or the JSONL reader lose the storage
      // root's absolute path, and no input of any size is repeated in full
      String msg =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : Problems.cut(storage.hide(e.getMessage()));
      update(id, x -> x.finish(JobState.FAILED, null, msg, Instant.now()));
      meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "failed").increment();
    } finally {
      cancelFlags.remove(id);
    }
  }

  /**
   * A running job's line to its row: progress is written at most every {@value #PROGRESS_EVERY_MS}
   * ms, and each write picks up a cancel requested in the row (by any replica). The last detail
   * reported is kept, so that a job that succeeds ends with it even if its write was skipped.
   */
  private final class RowContext implements JobRunner.JobContext {
    private final UUID id;
    private long lastWrite;
    private Map<String, Object> last;

    RowContext(UUID id) {
      this.id = id;
    }

    /** The last detail reported, as JSON, or null if none was. */
    String lastDetail() {
      return last == null ? null : JsonColumns.write(last);
    }

    @Override
    public void progress(double fraction, Map<String, Object> detail) {
      last = detail;
      long now = System.currentTimeMillis();
      if (now - lastWrite >= PROGRESS_EVERY_MS || fraction >= 1) {
        lastWrite = now;
        String d = JsonColumns.write(detail);
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
  }

  /**
   * Changes the job's row under its lock, so that concurrent changes (progress, cancel, finish)
   * never undo each other.
   */
  private void update(UUID id, Consumer<JobEntity> change) {
    updateIf(id, e -> true, change);
  }

  /**
   * Changes the job's row under its lock if {@code when} holds for it then; says whether it did.
   */
  private boolean updateIf(UUID id, Predicate<JobEntity> when, Consumer<JobEntity> change) {
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
    if (!j.state().resumable()) {
      throw new ConflictException(
          "job " + id + " is " + j.state() + "; only INTERRUPTED or FAILED jobs can be resumed");
    }
    VersionEntity done = ensembles.versionOfJob(id);
    if (done != null) {
      String r = JsonColumns.write(Map.of("version", done.number(), "recovered", true));
      update(id, e -> e.finish(JobState.SUCCEEDED, r, null, Instant.now()));
      return get(id);
    }
    rerun(runners.get(j.kind()), j);
    return get(id);
  }

  /** Checks a stored request again (what it names may have gone) and queues it. */
  private <R> void rerun(JobRunner<R> runner, JobEntity j) {
    R request =
        runner.validate(j.ensembleId(), JsonColumns.read(j.request(), runner.requestType()));
    update(j.id(), e -> e.resetForResume(Instant.now()));
    schedule(j.id(), runner, j.ensembleId(), request);
  }

  static Job view(JobEntity j) {
    return new Job(
        j.id(),
        j.kind(),
        j.ensembleId(),
        j.state(),
        j.progress(),
        JsonColumns.map(j.detail()),
        JsonColumns.map(j.result()),
        j.error(),
        j.createdAt(),
        j.updatedAt());
  }

  /** The metric tag of a kind, lower case as it was before kinds were an enum. */
  private static String tag(JobKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void destroy() throws InterruptedException {
    shuttingDown = true;
    cancelFlags.replaceAll((k, v) -> true);
    executor.shutdown();
    if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }
}
