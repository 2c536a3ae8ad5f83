package org.ugda.relabel.job;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelProgress;
import org.ugda.relabel.judge.ContentHash;
import org.ugda.relabel.label.LabelStore;

/**
 * Items of jobs in {@code relabel.item} and what became of each: a label, a task in the human
 * queue, or a failure. Each outcome is one transaction that writes the result and moves the item's
 * state together, and each is idempotent (one original label per item, one task per item), so a
 * retried or resumed item never yields a second row. Each first locks the item's job against a
 * cancel and writes nothing for a cancelled job (an answer that arrives after the cancel is kept in
 * the judge cache, but labels nothing).
 */
@Repository
public class ItemStore {

  private final JdbcClient jdbc;
  private final JdbcTemplate jdbcTemplate;
  private final TransactionTemplate transactions;
  private final LabelStore labels;

  ItemStore(
      JdbcClient jdbc,
      JdbcTemplate jdbcTemplate,
      TransactionTemplate transactions,
      LabelStore labels) {
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
    this.transactions = transactions;
    this.labels = labels;
  }

  /** Inserts a job's items, in request order (call inside the job's creating transaction). */
  void insert(UUID jobId, List<RelabelItem> items) {
    List<Object[]> rows = new ArrayList<>(items.size());
    for (int ordinal = 0; ordinal < items.size(); ordinal++) {
      RelabelItem item = items.get(ordinal);
      rows.add(
          new Object[] {
            UUID.randomUUID(),
            jobId,
            ordinal,
            item.externalId(),
            item.prompt(),
            item.response(),
            ContentHash.of(item.prompt(), item.response())
          });
    }
    jdbcTemplate.batchUpdate(
        """
                INSERT INTO relabel.item (id, job_id, ordinal, external_id, prompt, response, content_hash, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')""",
        rows);
  }

  /** Items no expert has finished, in order. */
  List<Item> pending(UUID jobId) {
    return jdbc.sql(
            """
                SELECT id, job_id, ordinal, external_id, prompt, response FROM relabel.item
                WHERE job_id = ? AND state = 'PENDING' ORDER BY ordinal""")
        .param(jobId)
        .query(
            (rs, row) ->
                new Item(
                    rs.getObject("id", UUID.class),
                    rs.getObject("job_id", UUID.class),
                    rs.getInt("ordinal"),
                    rs.getString("external_id"),
                    rs.getString("prompt"),
                    rs.getString("response")))
        .list();
  }

  /**
   * Locks job {@code jobId}'s row against a concurrent cancel ({@code FOR SHARE}) for the rest of
   * the transaction and returns its state, null for an unknown job. Every transaction that writes
   * an item's outcome or a label calls it before touching any item or task row (see {@link
   * JobStore#cancel}).
   */
  public JobState lockJobAgainstCancel(UUID jobId) {
    return jdbc.sql("SELECT state FROM relabel.job WHERE id = ? FOR SHARE")
        .param(jobId)
        .query((rs, row) -> JobState.valueOf(rs.getString("state")))
        .optional()
        .orElse(null);
  }

  /**
   * Stores the item's label and marks it labelled; false (nothing written) if the job was
   * cancelled.
   */
  boolean labelled(Item item, int score, LabelStore.Origin origin) {
    return unlessCancelled(
        item,
        () -> {
          labels.insertOriginal(item.id(), score, origin);
          setState(item.id(), ItemState.LABELLED);
        });
  }

  /**
   * Puts the item in the human queue (once) with the reason a person is asked; false (nothing
   * written) if the job was cancelled.
   */
  boolean toHumans(Item item, String reason) {
    return unlessCancelled(
        item,
        () -> {
          jdbc.sql(
                  """
                    INSERT INTO relabel.task (id, item_id, job_id, reason, state) VALUES (?, ?, ?, ?, 'OPEN')
                    ON CONFLICT (item_id) DO NOTHING""")
              .param(UUID.randomUUID())
              .param(item.id())
              .param(item.jobId())
              .param(reason)
              .update();
          setState(item.id(), ItemState.AWAITING_HUMAN);
        });
  }

  /**
   * Marks the item failed and records why as a job error; false (nothing written) if the job was
   * cancelled.
   */
  boolean failed(Item item, String message) {
    return unlessCancelled(
        item,
        () -> {
          setState(item.id(), ItemState.FAILED);
          error(item.jobId(), item.id(), message);
        });
  }

  private boolean unlessCancelled(Item item, Runnable write) {
    return Boolean.TRUE.equals(
        transactions.execute(
            status -> {
              if (lockJobAgainstCancel(item.jobId()) == JobState.CANCELLED) {
                return false;
              }
              write.run();
              return true;
            }));
  }

  /** Records an error of the job (for an item, or job-wide when {@code itemId} is null). */
  void error(UUID jobId, UUID itemId, String message) {
    jdbc.sql("INSERT INTO relabel.job_error (job_id, item_id, message) VALUES (?, ?, ?)")
        .param(jobId)
        .param(itemId)
        .param(message)
        .update();
  }

  /** Sends failed items back to pending (on resume). */
  void resetFailed(UUID jobId) {
    jdbc.sql("UPDATE relabel.item SET state = 'PENDING' WHERE job_id = ? AND state = 'FAILED'")
        .param(jobId)
        .update();
  }

  /** Item counts by state. */
  public RelabelProgress progress(UUID jobId) {
    return jdbc.sql(
            """
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE state = 'LABELLED') AS labelled,
                       count(*) FILTER (WHERE state = 'AWAITING_HUMAN') AS awaiting,
                       count(*) FILTER (WHERE state = 'PENDING') AS pending,
                       count(*) FILTER (WHERE state = 'FAILED') AS failed,
                       count(*) FILTER (WHERE state = 'CANCELLED') AS cancelled
                FROM relabel.item WHERE job_id = ?""")
        .param(jobId)
        .query(
            (rs, row) ->
                new RelabelProgress(
                    rs.getInt("total"),
                    rs.getInt("labelled"),
                    rs.getInt("awaiting"),
                    rs.getInt("pending"),
                    rs.getInt("failed"),
                    rs.getInt("cancelled")))
        .single();
  }

  private void setState(UUID itemId, ItemState state) {
    jdbc.sql("UPDATE relabel.item SET state = ? WHERE id = ?")
        .param(state.name())
        .param(itemId)
        .update();
  }
}
