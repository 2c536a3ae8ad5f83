package org.ugda.support.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.ugda.api.job.JobState;
import org.ugda.support.idempotency.IdempotencyKeys;

/**
 * The state columns of a service's job table, the one place their SQL is written. The table (
 * {@code policy.run}, {@code selection.job}, ...) has {@code id uuid}, {@code state text}, {@code
 * error text}, {@code cancel_requested boolean}, {@code started_at}, {@code finished_at}, and for
 * {@link IdempotencyKeys} {@code idempotency_key} and {@code request_fingerprint}, and for the
 * lease {@code owner text} (the instance that queued or runs the job) and {@code heartbeat_at
 * timestamptz not null default now()} (when that instance last said it is alive; database time);
 * what else a job stores is its service's own.
 */
public final class JobTable {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  private final JdbcClient jdbc;
  private final String table;

  /**
   * @param table schema-qualified, e.g. {@code selection.job}
   */
  public JobTable(JdbcClient jdbc, String table) {
    if (!NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("a job table is schema.table, got '" + table + "'");
    }
    this.jdbc = jdbc;
    this.table = table;
  }

  /**
   * Moves a job from one of {@code from} to {@code to} and clears its cancel request; stamps {@code
   * started_at} on RUNNING and {@code finished_at} on an end state; a job put back in the queue has
   * no owner until {@link #queue} gives it one. False if it was in none of {@code from} (another
   * request or instance moved it first). Not for RUNNING: an instance {@link #claim}s a job.
   */
  public boolean transition(UUID id, List<JobState> from, JobState to, String error, Instant now) {
    if (to == JobState.RUNNING) {
      throw new IllegalArgumentException("a job becomes RUNNING only by a claim");
    }
    return move(id, from, to, error, now, null);
  }

  /**
   * QUEUED → RUNNING for {@code owner}: sets the owner and a fresh heartbeat in the same UPDATE, so
   * of two instances claiming one job exactly one gets it. False if it was not queued.
   */
  public boolean claim(UUID id, String owner, Instant now) {
    return move(id, List.of(JobState.QUEUED), JobState.RUNNING, null, now, owner);
  }

  /**
   * RUNNING → {@code to} (an end state) while {@code owner} still holds the job. False if it does
   * not any more (marked INTERRUPTED for a stale heartbeat, and maybe resumed elsewhere since).
   */
  public boolean finish(UUID id, String owner, JobState to, String error, Instant now) {
    return move(id, List.of(JobState.RUNNING), to, error, now, owner);
  }

  private boolean move(
      UUID id, List<JobState> from, JobState to, String error, Instant now, String owner) {
    String set =
        switch (to) {
          case RUNNING -> ", started_at = :now, owner = :owner, heartbeat_at = now()";
          case QUEUED -> ", owner = NULL, heartbeat_at = now()";
          default -> ", finished_at = :now";
        };
    String where = owner != null && to != JobState.RUNNING ? " AND owner = :owner" : "";
    var spec =
        jdbc.sql(
                "UPDATE "
                    + table
                    + " SET state = :to, error = :error, cancel_requested = false"
                    + set
                    + " WHERE id = :id AND state IN (:from)"
                    + where)
            .param("to", to.name())
            .param("error", error)
            .param("id", id)
            .param("from", from.stream().map(Enum::name).toList());
    if (to != JobState.QUEUED) {
      spec = spec.param("now", Timestamp.from(now));
    }
    if (owner != null) {
      spec = spec.param("owner", owner);
    }
    return spec.update() == 1;
  }

  /**
   * A queued job waits in {@code owner}'s queue: its owner, and a fresh heartbeat. False if it is
   * not queued.
   */
  public boolean queue(UUID id, String owner) {
    return jdbc.sql(
                "UPDATE "
                    + table
                    + " SET owner = ?, heartbeat_at = now() WHERE id = ? AND state = 'QUEUED'")
            .param(owner)
            .param(id)
            .update()
        == 1;
  }

  /**
   * Refreshes the heartbeat of the jobs {@code owner} has queued or runs; returns their ids (a
   * running job missing from them is no longer its own).
   */
  public Set<UUID> heartbeat(String owner) {
    return Set.copyOf(
        jdbc.sql(
                "UPDATE "
                    + table
                    + " SET heartbeat_at = now() WHERE owner = ? AND state IN ('QUEUED', 'RUNNING')"
                    + " RETURNING id")
            .param(owner)
            .query(UUID.class)
            .list());
  }

  /**
   * Marks INTERRUPTED every queued or running job whose heartbeat (database time) is older than
   * {@code staleAfter}: its instance stopped without saying so. The message names that instance and
   * {@code resumePath} ({@code {id}} replaced by the job's id); returns their ids.
   */
  public List<UUID> interruptStale(Duration staleAfter, String resumePath) {
    return interrupt(
        """
        'interrupted: instance ' || coalesce(owner, '(none)')
          || ' stopped sending heartbeats (none since '
          || to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
          || '); POST ' || replace(?, '{id}', id::text) || ' runs it again'""",
        "heartbeat_at < now() - ? * interval '1 millisecond'",
        resumePath,
        staleAfter.toMillis());
  }

  /**
   * Marks INTERRUPTED every job {@code owner} still has queued or running (its graceful shutdown),
   * with {@code message} ({@code {id}} replaced by the job's id); returns their ids.
   */
  public List<UUID> interruptOwned(String owner, String message) {
    return interrupt("replace(?, '{id}', id::text)", "owner = ?", message, owner);
  }

  /** Queued or running jobs matching {@code where} → INTERRUPTED with {@code error}; their ids. */
  private List<UUID> interrupt(String error, String where, Object errorParam, Object whereParam) {
    return jdbc.sql(
            "UPDATE "
                + table
                + " SET state = 'INTERRUPTED', cancel_requested = false, finished_at = now(),"
                + " error = "
                + error
                + " WHERE state IN ('QUEUED', 'RUNNING') AND "
                + where
                + " RETURNING id")
        .param(errorParam)
        .param(whereParam)
        .query(UUID.class)
        .list();
  }

  /** The job an earlier request with this idempotency key created. */
  public Optional<UUID> byKey(String key) {
    return jdbc.sql("SELECT id FROM " + table + " WHERE idempotency_key = ?")
        .param(key)
        .query(UUID.class)
        .optional();
  }

  /** The fingerprint of the request that created a job (what a replay is compared with). */
  public Optional<String> fingerprint(UUID id) {
    return jdbc.sql("SELECT request_fingerprint FROM " + table + " WHERE id = ?")
        .param(id)
        .query(String.class)
        .optional();
  }

  public void requestCancel(UUID id) {
    jdbc.sql("UPDATE " + table + " SET cancel_requested = true WHERE id = ?").param(id).update();
  }

  public boolean cancelRequested(UUID id) {
    return jdbc.sql("SELECT cancel_requested FROM " + table + " WHERE id = ?")
        .param(id)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }
}
