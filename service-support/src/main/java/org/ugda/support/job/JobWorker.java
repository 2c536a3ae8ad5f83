package org.ugda.support.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ugda.api.job.JobState;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.Problems;

/**
 * The one way a service runs its long jobs: one worker thread, the job's state in its {@link
 * JobTable}, a cooperative stop the body polls. A job goes QUEUED → RUNNING → SUCCEEDED; a body
 * that throws {@link CancellationException} ends CANCELLED (on request) or INTERRUPTED (on
 * shutdown, resumable); any other failure ends FAILED with its message (cut, and passed through the
 * service's {@code hide}, which takes local paths out). A restart marks what was queued or running
 * INTERRUPTED ({@link #interruptAfterRestart}); resume puts an interrupted, failed or cancelled job
 * back in the queue.
 */
public final class JobWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

  /** A job's work; {@code stop} turns true once it should end (cancelled or shutting down). */
  @FunctionalInterface
  public interface Body {
    void run(BooleanSupplier stop);
  }

  private final JobTable table;
  private final String noun;
  private final String resumePath;
  private final UnaryOperator<String> hide;
  private final ExecutorService worker;
  private final ConcurrentHashMap<UUID, Boolean> cancel = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;

  /**
   * @param noun what a job is called in messages ({@code run}, {@code selection})
   * @param resumePath the resume endpoint with {@code {id}} for the job's id
   * @param hide rewrites a failure's message before it is stored (identity if nothing to hide)
   */
  public JobWorker(JobTable table, String noun, String resumePath, UnaryOperator<String> hide) {
    this.table = table;
    this.noun = noun;
    this.resumePath = resumePath;
    this.hide = hide;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, noun + "-jobs");
              t.setDaemon(true);
              return t;
            });
  }

  /** After a restart: marks every queued or running job INTERRUPTED and logs each. */
  public void interruptAfterRestart() {
    for (UUID id :
        table.interruptAll(
            "interrupted by a restart of the service; POST " + resumePath + " runs it again")) {
      log.warn("{} {} was interrupted by a restart", noun, id);
    }
  }

  /** Queues a job that is QUEUED in its table. */
  public void submit(UUID id, Body body) {
    cancel.put(id, false);
    worker.submit(() -> execute(id, body));
  }

  private void execute(UUID id, Body body) {
    if (!table.transition(id, List.of(JobState.QUEUED), JobState.RUNNING, null, Instant.now())) {
      cancel.remove(id);
      return;
    }
    try {
      body.run(() -> stopping(id));
      table.transition(id, List.of(JobState.RUNNING), JobState.SUCCEEDED, null, Instant.now());
    } catch (CancellationException e) {
      if (shuttingDown) {
        table.transition(
            id,
            List.of(JobState.RUNNING),
            JobState.INTERRUPTED,
            "interrupted by a shutdown; POST "
                + resumePath.replace("{id}", id.toString())
                + " runs it again",
            Instant.now());
      } else {
        table.transition(
            id, List.of(JobState.RUNNING), JobState.CANCELLED, e.getMessage(), Instant.now());
      }
    } catch (RuntimeException | Error e) {
      log.error("{} {} failed", noun, id, e);
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      table.transition(
          id,
          List.of(JobState.RUNNING),
          JobState.FAILED,
          Problems.cut(hide.apply(msg)),
          Instant.now());
    } finally {
      cancel.remove(id);
    }
  }

  private boolean stopping(UUID id) {
    if (shuttingDown || Boolean.TRUE.equals(cancel.get(id))) {
      return true;
    }
    if (table.cancelRequested(id)) {
      cancel.put(id, true);
      return true;
    }
    return false;
  }

  /**
   * Cancels a job in state {@code current}: a queued one at once, a running one at its next stop
   * check (also when another instance runs it: the request is in the table); 409 once it has ended.
   */
  public void cancel(UUID id, JobState current) {
    if (current == JobState.QUEUED) {
      if (table.transition(
          id,
          List.of(JobState.QUEUED),
          JobState.CANCELLED,
          "cancelled before it started",
          Instant.now())) {
        return;
      }
    }
    if (current == JobState.QUEUED || current == JobState.RUNNING) {
      table.requestCancel(id);
      cancel.computeIfPresent(id, (k, b) -> true);
      return;
    }
    throw new ConflictException(
        noun
            + " "
            + id
            + " is "
            + current
            + "; only a queued or running "
            + noun
            + " can be cancelled");
  }

  /**
   * Puts an interrupted, failed or cancelled job back in the queue and submits {@code body}; 409 in
   * any other state.
   */
  public void resume(UUID id, JobState current, Body body) {
    if (!table.transition(
        id,
        List.of(JobState.INTERRUPTED, JobState.FAILED, JobState.CANCELLED),
        JobState.QUEUED,
        null,
        Instant.now())) {
      throw new ConflictException(
          noun
              + " "
              + id
              + " is "
              + current
              + "; only an interrupted, failed or cancelled "
              + noun
              + " can be resumed");
    }
    submit(id, body);
  }

  /** Stops taking work; a running body sees its stop turn true and ends INTERRUPTED. */
  @Override
  public void close() throws InterruptedException {
    shuttingDown = true;
    worker.shutdown();
    if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
      worker.shutdownNow();
    }
  }
}
