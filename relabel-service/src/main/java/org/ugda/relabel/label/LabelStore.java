package org.ugda.relabel.label;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.ugda.api.relabel.Expert;
import org.ugda.api.relabel.Label;

/**
 * Labels in {@code relabel.label}. Rows are never updated or deleted (a database trigger refuses
 * it); a correction is a new row whose {@code supersedes_id} points at the label it replaces, and
 * each label can be superseded once, so corrections form a chain whose last link is the item's
 * current label. Each item has exactly one original label (a unique index), which makes every write
 * here idempotent under retries and restarts.
 */
@Repository
public class LabelStore {

  /**
   * What an original label records besides the item and the score.
   *
   * @param expert who gave it: {@code OPENAI}, {@code HUMAN} or {@code SIMULATED} (a label is never
   *     by {@code OPENAI_THEN_HUMAN}: that job's labels are the LLM's or a person's)
   */
  public record Origin(
      Expert expert,
      String labeller,
      String comment,
      String rubricVersion,
      UUID taskId,
      UUID claimId,
      String cacheKey) {

    public Origin {
      Objects.requireNonNull(expert, "expert");
      if (expert == Expert.OPENAI_THEN_HUMAN) {
        throw new IllegalArgumentException(
            "a label is given by openai, human or simulated, never by openai+human");
      }
    }
  }

  private static final String SELECT =
      """
            SELECT l.id, l.item_id, i.job_id, i.ordinal, i.external_id, l.expert, l.labeller, l.score, l.comment,
                   l.rubric_version, l.supersedes_id, l.created_at
            FROM relabel.label l JOIN relabel.item i ON i.id = l.item_id
            """;

  private final JdbcClient jdbc;

  LabelStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores the item's original label unless it has one; returns whether this call stored it. Call
   * it inside the transaction that also moves the item's state.
   */
  public boolean insertOriginal(UUID itemId, int score, Origin origin) {
    return jdbc.sql(
                """
                INSERT INTO relabel.label (id, item_id, expert, labeller, score, comment, rubric_version, task_id,
                        claim_id, cache_key)
                VALUES (:id, :item, :expert, :labeller, :score, :comment, :rubric, :task, :claim, :cacheKey)
                ON CONFLICT (item_id) WHERE supersedes_id IS NULL DO NOTHING""")
            .param("id", UUID.randomUUID())
            .param("item", itemId)
            .param("expert", origin.expert().wireName())
            .param("labeller", origin.labeller())
            .param("score", score)
            .param("comment", origin.comment())
            .param("rubric", origin.rubricVersion())
            .param("task", origin.taskId())
            .param("claim", origin.claimId())
            .param("cacheKey", origin.cacheKey())
            .update()
        == 1;
  }

  /** Stores a correction of {@code supersededId}; empty if that label was already superseded. */
  public Optional<Label> insertCorrection(
      UUID supersededId, String labeller, int score, String comment, String rubricVersion) {
    UUID id = UUID.randomUUID();
    int inserted =
        jdbc.sql(
                """
                INSERT INTO relabel.label (id, item_id, expert, labeller, score, comment, rubric_version,
                        supersedes_id)
                SELECT :id, item_id, 'human', :labeller, :score, :comment, :rubric, id
                FROM relabel.label WHERE id = :superseded
                ON CONFLICT (supersedes_id) DO NOTHING""")
            .param("id", id)
            .param("labeller", labeller)
            .param("score", score)
            .param("comment", comment)
            .param("rubric", rubricVersion)
            .param("superseded", supersededId)
            .update();
    return inserted == 1 ? find(id) : Optional.empty();
  }

  public Optional<Label> find(UUID labelId) {
    return jdbc.sql(SELECT + " WHERE l.id = ?").param(labelId).query(LabelStore::label).optional();
  }

  public Optional<Label> findByClaim(UUID claimId) {
    return jdbc.sql(SELECT + " WHERE l.claim_id = ?")
        .param(claimId)
        .query(LabelStore::label)
        .optional();
  }

  /** The label that supersedes {@code labelId}, if any. */
  public Optional<UUID> supersededBy(UUID labelId) {
    return jdbc.sql("SELECT id FROM relabel.label WHERE supersedes_id = ?")
        .param(labelId)
        .query(UUID.class)
        .optional();
  }

  /** Each labelled item's current label (the end of its correction chain), in item order. */
  public List<Label> current(UUID jobId) {
    return jdbc.sql(
            SELECT
                + """
                 WHERE i.job_id = ?
                   AND NOT EXISTS (SELECT 1 FROM relabel.label s WHERE s.supersedes_id = l.id)
                 ORDER BY i.ordinal""")
        .param(jobId)
        .query(LabelStore::label)
        .list();
  }

  /** Whether the job exists (labels of an unknown job are a 404, not an empty list). */
  public boolean jobExists(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM relabel.job WHERE id = ?")
            .param(jobId)
            .query(Integer.class)
            .single()
        > 0;
  }

  static Label label(ResultSet rs, int row) throws SQLException {
    return new Label(
        rs.getObject("id", UUID.class),
        rs.getObject("item_id", UUID.class),
        rs.getObject("job_id", UUID.class),
        rs.getInt("ordinal"),
        rs.getString("external_id"),
        rs.getString("expert"),
        rs.getString("labeller"),
        rs.getInt("score"),
        rs.getString("comment"),
        rs.getString("rubric_version"),
        rs.getObject("supersedes_id", UUID.class),
        rs.getTimestamp("created_at").toInstant());
  }
}
