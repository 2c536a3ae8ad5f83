package org.ugda.reward.job;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
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
import org.ugda.support.job.JobProperties;
import org.ugda.support.job.JobTable;
import org.ugda.support.job.JobWorker;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/**
 * Asynchronous train and refine jobs. A job is checked before its row is written (bad input leaves
 * nothing behind), runs on one worker thread (backward passes are serialised JVM-wide anyway),
 * reports progress and can be cancelled. It runs through the shared {@link JobWorker}, with its
 * lease: a shutdown marks the instance's jobs {@code INTERRUPTED}, any instance does so once a
 * job's instance stops heart-beating, and a live replica's jobs are never touched; a resume runs it
 * again. An idempotency key makes a retried POST return the job it created the first time ({@link
 * IdempotencyKeys}). A job's version is published before the job is marked done, so a resume after
 * a crash in between finds the version and does not make another.
 *
 * <p>Each kind has its {@link JobRunner}, which sees only its own request type; the request is kept
 * in the job's row as JSON so that a resume can run it again.
 */
@Service
public class JobService implements DisposableBean {
  private static final long PROGRESS_EVERY_MS = 300;
  private static final long STOP_EVERY_MS = 100;

  /** A submitted job, and whether it is one an earlier request with the same key created. */
  public record Submission(Job job, boolean replayed) {}

  private final JobRepository repo;
  private final TransactionTemplate tx;
  private final EnsembleService ensembles;
  private final StorageRoot storage;
  private final Map<JobKind, JobRunner<?>> runners = new EnumMap<>(JobKind.class);
  private final JobWorker worker;
  private volatile boolean shuttingDown;
  private final MeterRegistry meters;

  JobService(
      JobRepository repo,
      TransactionTemplate tx,
      EnsembleService ensembles,
      StorageRoot storage,
      List<JobRunner<?>> runners,
      MeterRegistry meters,
      JdbcClient jdbc,
      JobProperties lease) {
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
    this.worker =
        new JobWorker(
            new JobTable(jdbc, "reward.jobs"), "job", "/v1/jobs/{id}/resume", storage::hide, lease);
  }

  /** Once ready: the jobs of an instance that stopped heart-beating did not finish; say so. */
  @EventListener(ApplicationReadyEvent.class)
  void markInterrupted() {
    worker.interruptStale();
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
    worker.submit(id, body(id, runner.kind(), ctx -> runner.run(id, ensembleId, request, ctx)));
  }

  /**
   * The work of a job as {@link JobWorker} runs it: the result is stored with the last detail, and
   * the worker then ends the job SUCCEEDED (or CANCELLED, INTERRUPTED, FAILED from what it throws).
   */
  private JobWorker.Body body(
      UUID id, JobKind kind, Function<JobRunner.JobContext, Map<String, Object>> work) {
    return stop -> {
      try {
        RowContext context = new RowContext(id, stop);
        Map<String, Object> result = work.apply(context);
        String r = JsonColumns.write(result);
        String lastDetail = context.lastDetail();
        // the last report may have fallen between two throttled writes
        update(id, e -> e.succeeded(r, lastDetail, Instant.now()));
        meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "succeeded").increment();
      } catch (CancellationException e) {
        if (!shuttingDown) {
          meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "cancelled").increment();
        }
        throw e;
      } catch (RuntimeException | Error e) {
        meters.counter("ugda.reward.jobs", "kind", tag(kind), "event", "failed").increment();
        throw e;
      }
    };
  }

  /**
   * A running job's line to its row: progress is written at most every {@value #PROGRESS_EVERY_MS}
   * ms, and the worker's stop (a cancel requested in the row by any replica, a shutdown, a lost
   * lease) is asked at most every {@value #STOP_EVERY_MS} ms. The last detail reported is kept, so
   * that a job that succeeds ends with it even if its write was skipped.
   */
  private final class RowContext implements JobRunner.JobContext {
    private final UUID id;
    private final BooleanSupplier stop;
    private long lastWrite;
    private long lastStopCheck = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private boolean stopped;
    private Map<String, Object> last;

    RowContext(UUID id, BooleanSupplier stop) {
      this.id = id;
      this.stop = stop;
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
        update(id, e -> e.progress(Math.min(1, fraction), d, Instant.now()));
      }
    }

    @Override
    public boolean cancelled() {
      long now = System.nanoTime();
      if (!stopped && now - lastStopCheck >= TimeUnit.MILLISECONDS.toNanos(STOP_EVERY_MS)) {
        lastStopCheck = now;
        stopped = stop.getAsBoolean();
      }
      return stopped;
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
   * Cancels a QUEUED job at once, or asks a RUNNING one to stop at its next step ({@link
   * JobWorker#cancel}: both are conditional updates of the row, so a job that starts at the same
   * moment cannot overwrite the cancel; a job running in another replica sees the request in its
   * row); 409 once it has ended.
   */
  public Job cancel(UUID id) {
    worker.cancel(id, entity(id).state());
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
    updateIf(j.id(), e -> e.state().resumable(), e -> e.resetForResume(Instant.now()));
    worker.resume(
        j.id(),
        j.state(),
        body(j.id(), runner.kind(), ctx -> runner.run(j.id(), j.ensembleId(), request, ctx)));
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
    worker.close();
  }
}
