package org.ugda.support.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.ugda.api.job.JobState;
import org.ugda.support.idempotency.IdempotencyKeys;

/**
 * The state columns of a service's job table, the one place their SQL is written. The table (
 * {@code policy.run}, {@code selection.job}, ...) has {@code id uuid}, {@code state text}, {@code
 * error text}, {@code cancel_requested boolean}, {@code started_at}, {@code finished_at}, and for
 * {@link IdempotencyKeys} {@code idempotency_key} and {@code request_fingerprint}; what else a job
 * stores is its service's own.
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
   * started_at} on RUNNING and {@code finished_at} on an end state. False if it was in none of
   * {@code from} (another request or instance moved it first).
   */
  public boolean transition(UUID id, List<JobState> from, JobState to, String error, Instant now) {
    String stamp =
        switch (to) {
          case RUNNING -> ", started_at = :now";
          case QUEUED -> "";
          default -> ", finished_at = :now";
        };
    var spec =
        jdbc.sql(
                "UPDATE "
                    + table
                    + " SET state = :to, error = :error, cancel_requested = false"
                    + stamp
                    + " WHERE id = :id AND state IN (:from)")
            .param("to", to.name())
            .param("error", error)
            .param("id", id)
            .param("from", from.stream().map(Enum::name).toList());
    if (!stamp.isEmpty()) {
      spec = spec.param("now", Timestamp.from(now));
    }
    return spec.update() == 1;
  }

  /**
   * Marks every QUEUED or RUNNING job INTERRUPTED (after a restart), with {@code message} ({@code
   * {id}} replaced by the job's id); returns their ids.
   */
  public List<UUID> interruptAll(String message) {
    List<UUID> ids =
        jdbc.sql("SELECT id FROM " + table + " WHERE state IN ('QUEUED', 'RUNNING')")
            .query(UUID.class)
            .list();
    for (UUID id : ids) {
      transition(
          id,
          List.of(JobState.QUEUED, JobState.RUNNING),
          JobState.INTERRUPTED,
          message.replace("{id}", id.toString()),
          Instant.now());
    }
    return ids;
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
