package org.ugda.relabel.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.Expert;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.api.relabel.RelabelJobError;
import org.ugda.api.relabel.RelabelProgress;

/**
 * Jobs in {@code relabel.job}: creation, the view clients see, and state changes. A job's state is
 * changed only with its row locked, and its final state is computed from its items' states under
 * that lock, so a human label that lands while the automatic experts finish cannot be missed.
 *
 * <p>Cancelling: {@link #cancel} locks the job's row ({@code FOR NO KEY UPDATE}) and marks it, its
 * unlabelled items and its open tasks in one transaction; every write of an item's outcome or a
 * human label takes the same row {@code FOR SHARE} first ({@link ItemStore#lockJobAgainstCancel})
 * and writes nothing for a cancelled job. So a label either lands before the cancel (and stays) or
 * not at all, and since every writer locks the job's row before any item or task row, none of them
 * can deadlock with a cancel.
 */
@Repository
public class JobStore {

  /** What a job was created with. */
  record Job(UUID id, Expert expert, String rubricVersion, String model) {}

  /** The part of a job that idempotent creation compares. */
  record Fingerprint(UUID id, String requestHash) {}

  private record Locked(JobState state, String runner) {}

  static final int ERRORS_SHOWN = 50;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final ItemStore items;

  JobStore(JdbcClient jdbc, TransactionTemplate transactions, ItemStore items) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.items = items;
  }

  Optional<Fingerprint> byIdempotencyKey(String key) {
    return jdbc.sql("SELECT id, request_hash FROM relabel.job WHERE idempotency_key = ?")
        .param(key)
        .query(
            (rs, row) ->
                new Fingerprint(rs.getObject("id", UUID.class), rs.getString("request_hash")))
        .optional();
  }

  /**
   * Inserts a running job owned by {@code runner}; the caller wraps it with its items in one
   * transaction.
   */
  void insert(Job job, String idempotencyKey, String requestHash, String runner) {
    jdbc.sql(
            """
                INSERT INTO relabel.job (id, idempotency_key, request_hash, expert, state, rubric_version, model, runner)
                VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?)""")
        .param(job.id())
        .param(idempotencyKey)
        .param(requestHash)
        .param(job.expert().wireName())
        .param(job.rubricVersion())
        .param(job.model())
        .param(runner)
        .update();
  }

  Optional<Job> job(UUID id) {
    return jdbc.sql("SELECT id, expert, rubric_version, model FROM relabel.job WHERE id = ?")
        .param(id)
        .query(
            (rs, row) ->
                new Job(
                    rs.getObject("id", UUID.class),
                    Expert.parse(rs.getString("expert")),
                    rs.getString("rubric_version"),
                    rs.getString("model")))
        .optional();
  }

  /** The job as {@code GET /v1/relabel/jobs/{jobId}} shows it. */
  public Optional<RelabelJob> view(UUID id) {
    Optional<RelabelJob> bare =
        jdbc.sql(
                """
                SELECT j.*, (SELECT count(*) FROM relabel.job_error e WHERE e.job_id = j.id) AS error_count
                FROM relabel.job j WHERE j.id = ?""")
            .param(id)
            .query((rs, row) -> view(rs, new RelabelProgress(0, 0, 0, 0, 0, 0), List.of()))
            .optional();
    return bare.map(
        job ->
            new RelabelJob(
                job.id(),
                job.expert(),
                job.state(),
                job.rubricVersion(),
                job.model(),
                items.progress(id),
                job.errorCount(),
                errors(id),
                job.message(),
                job.createdAt(),
                job.updatedAt()));
  }

  /**
   * Takes over an {@code INTERRUPTED} or {@code FAILED} job for {@code runner} and sends its failed
   * items back to pending; the job's current state when it cannot be resumed, empty when resumed.
   */
  Optional<JobState> resume(UUID id, String runner) {
    return transactions.execute(
        status -> {
          JobState state = locked(id).state();
          if (!state.resumable()) {
            return Optional.of(state);
          }
          jdbc.sql(
                  """
                    UPDATE relabel.job SET state = 'RUNNING', runner = ?, heartbeat_at = now(), message = NULL,
                           updated_at = now() WHERE id = ?""")
              .param(runner)
              .param(id)
              .update();
          items.resetFailed(id);
          return Optional.empty();
        });
  }

  /**
   * Cancels a {@code RUNNING} or {@code AWAITING_HUMANS} job: the job becomes {@code CANCELLED},
   * its pending items and those in the human queue {@code CANCELLED}, its open and claimed tasks
   * {@code WITHDRAWN}; labels stay. Returns the job's state when it has already ended (nothing
   * changed), empty when cancelled. The row lock waits for the item outcomes and human labels being
   * written now (see the class comment), so whatever they wrote is seen here.
   */
  Optional<JobState> cancel(UUID id) {
    return transactions.execute(
        status -> {
          JobState state =
              jdbc.sql("SELECT state FROM relabel.job WHERE id = ? FOR NO KEY UPDATE")
                  .param(id)
                  .query((rs, row) -> JobState.valueOf(rs.getString("state")))
                  .single();
          if (!state.cancellable()) {
            return Optional.of(state);
          }
          setState(
              id,
              JobState.CANCELLED,
              "cancelled on request: the labels given before stay; the other items are not"
                  + " labelled and the job's open human tasks were withdrawn");
          jdbc.sql(
                  """
                    UPDATE relabel.item SET state = 'CANCELLED'
                    WHERE job_id = ? AND state IN ('PENDING', 'AWAITING_HUMAN')""")
              .param(id)
              .update();
          jdbc.sql(
                  """
                    UPDATE relabel.task SET state = 'WITHDRAWN'
                    WHERE job_id = ? AND state IN ('OPEN', 'CLAIMED')""")
              .param(id)
              .update();
          return Optional.empty();
        });
  }

  /** The job's state, or null for an unknown job. */
  public JobState state(UUID id) {
    return jdbc.sql("SELECT state FROM relabel.job WHERE id = ?")
        .param(id)
        .query((rs, row) -> JobState.valueOf(rs.getString("state")))
        .optional()
        .orElse(null);
  }

  /**
   * Ends a run: {@code FAILED} if something stopped it or items failed, {@code AWAITING_HUMANS} if
   * items wait in the human queue, else {@code SUCCEEDED}. Does nothing if the job is no longer
   * this runner's running job (it was declared interrupted, or cancelled, meanwhile).
   */
  void finish(UUID id, String runner, String fatal) {
    transactions.executeWithoutResult(
        status -> {
          Locked job = locked(id);
          if (job.state() != JobState.RUNNING || !runner.equals(job.runner())) {
            return;
          }
          RelabelProgress progress = items.progress(id);
          JobState state;
          String message = null;
          if (fatal != null || progress.failed() > 0 || progress.pending() > 0) {
            state = JobState.FAILED;
            message =
                fatal != null
                    ? fatal
                    : progress.failed()
                        + " of "
                        + progress.total()
                        + " items failed (see errors); POST /v1/relabel/jobs/"
                        + id
                        + "/resume retries them";
          } else {
            state = progress.awaitingHuman() > 0 ? JobState.AWAITING_HUMANS : JobState.SUCCEEDED;
          }
          setState(id, state, message);
        });
  }

  /**
   * After a human label: a job that waited only for humans has succeeded once every item is
   * labelled.
   */
  public void completeIfAllLabelled(UUID id) {
    transactions.executeWithoutResult(
        status -> {
          if (locked(id).state() == JobState.AWAITING_HUMANS) {
            RelabelProgress progress = items.progress(id);
            if (progress.labelled() == progress.total()) {
              setState(id, JobState.SUCCEEDED, null);
            }
          }
        });
  }

  /** Refreshes the heartbeat of this runner's running jobs; returns the ids it still owns. */
  Set<UUID> heartbeat(String runner) {
    return Set.copyOf(
        jdbc.sql(
                """
                UPDATE relabel.job SET heartbeat_at = now() WHERE runner = ? AND state = 'RUNNING' RETURNING id""")
            .param(runner)
            .query(UUID.class)
            .list());
  }

  /** Reports running jobs whose instance stopped heartbeating as interrupted; returns their ids. */
  List<UUID> interruptStale(long staleAfterMillis) {
    return jdbc.sql(
            """
                UPDATE relabel.job
                SET state = 'INTERRUPTED', updated_at = now(),
                    message = 'interrupted: instance ' || coalesce(runner, '?') || ' stopped (no heartbeat since '
                              || to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                              || '); POST /v1/relabel/jobs/' || id || '/resume carries on'
                WHERE state = 'RUNNING' AND heartbeat_at < now() - ? * interval '1 millisecond'
                RETURNING id""")
        .param(staleAfterMillis)
        .query(UUID.class)
        .list();
  }

  /** Marks the given jobs of {@code runner} interrupted (on shutdown). */
  void interrupt(String runner, String why) {
    jdbc.sql(
            """
                UPDATE relabel.job SET state = 'INTERRUPTED', updated_at = now(),
                       message = ? || '; POST /v1/relabel/jobs/' || id || '/resume carries on'
                WHERE runner = ? AND state = 'RUNNING'""")
        .param(why)
        .param(runner)
        .update();
  }

  /** Locks the job's row for the rest of the transaction; a missing job reads as state null. */
  private Locked locked(UUID id) {
    return jdbc.sql("SELECT state, runner FROM relabel.job WHERE id = ? FOR UPDATE")
        .param(id)
        .query(
            (rs, row) ->
                new Locked(JobState.valueOf(rs.getString("state")), rs.getString("runner")))
        .optional()
        .orElse(new Locked(null, null));
  }

  private void setState(UUID id, JobState state, String message) {
    jdbc.sql("UPDATE relabel.job SET state = ?, message = ?, updated_at = now() WHERE id = ?")
        .param(state.name())
        .param(message)
        .param(id)
        .update();
  }

  private List<RelabelJobError> errors(UUID id) {
    return jdbc.sql(
            """
                SELECT i.ordinal, i.external_id, e.message, e.at FROM relabel.job_error e
                LEFT JOIN relabel.item i ON i.id = e.item_id
                WHERE e.job_id = ? ORDER BY e.id DESC LIMIT ?""")
        .param(id)
        .param(ERRORS_SHOWN)
        .query(
            (rs, row) ->
                new RelabelJobError(
                    rs.getObject("ordinal", Integer.class),
                    rs.getString("external_id"),
                    rs.getString("message"),
                    rs.getTimestamp("at").toInstant()))
        .list();
  }

  private static RelabelJob view(
      ResultSet rs, RelabelProgress progress, List<RelabelJobError> errors) throws SQLException {
    return new RelabelJob(
        rs.getObject("id", UUID.class),
        rs.getString("expert"),
        JobState.valueOf(rs.getString("state")),
        rs.getString("rubric_version"),
        rs.getString("model"),
        progress,
        rs.getInt("error_count"),
        errors,
        rs.getString("message"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
