package org.ugda.selection.job;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.ugda.api.job.JobState;
import org.ugda.api.policy.RolloutView;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SelectedSample;
import org.ugda.api.selection.SelectionView;
import org.ugda.support.job.JobTable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code selection.job} and {@code selection.sample} tables. */
@Component
public class SelectionStore {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Double>> SCORES = new TypeReference<>() {};
  private static final TypeReference<Map<String, Map<String, Double>>> COSINES =
      new TypeReference<>() {};
  private static final TypeReference<Map<Integer, Double>> WEIGHTS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  private final JobTable jobs;

  SelectionStore(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
    this.jobs = new JobTable(jdbc, "selection.job");
  }

  /** The selections' state columns (the shared job machinery's view of {@code selection.job}). */
  JobTable jobs() {
    return jobs;
  }

  /** A selection as stored: its request (defaults filled) and the checkpoints' weights. */
  record Stored(UUID id, JobState state, CreateSelection request, Map<Integer, Double> weights) {}

  /** One sample's result, as the job writes it when the selection is done. */
  record Outcome(
      long rolloutId,
      int varianceRank,
      double varianceFraction,
      boolean passed,
      Map<String, Double> influence,
      Map<String, Map<String, Double>> cosines,
      Double aggregate,
      Integer influenceRank,
      boolean kept) {}

  void insert(
      UUID id,
      CreateSelection request,
      Map<Integer, Double> weights,
      String key,
      String fingerprint,
      Instant now) {
    jdbc.sql(
            """
            INSERT INTO selection.job (id, state, run_id, strategy, request, weights,
                                       idempotency_key, request_fingerprint, created_at)
            VALUES (?, 'QUEUED', ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)""")
        .param(id)
        .param(request.runId())
        .param(request.strategy().wire())
        .param(JSON.writeValueAsString(request))
        .param(JSON.writeValueAsString(weights))
        .param(key)
        .param(fingerprint)
        .param(Timestamp.from(now))
        .update();
  }

  Optional<Stored> stored(UUID id) {
    return jdbc.sql("SELECT id, state, request, weights FROM selection.job WHERE id = ?")
        .param(id)
        .query(
            (rs, n) ->
                new Stored(
                    rs.getObject("id", UUID.class),
                    JobState.valueOf(rs.getString("state")),
                    JSON.readValue(rs.getString("request"), CreateSelection.class),
                    JSON.readValue(rs.getString("weights"), WEIGHTS)))
        .optional();
  }

  public Optional<SelectionView> view(UUID id) {
    return jdbc.sql("SELECT * FROM selection.job WHERE id = ?")
        .param(id)
        .query((rs, n) -> view(rs))
        .optional();
  }

  public List<SelectionView> list(UUID runId, int limit) {
    return jdbc.sql(
            "SELECT * FROM selection.job WHERE (CAST(:run AS uuid) IS NULL OR run_id = :run)"
                + " ORDER BY created_at DESC, id LIMIT :limit")
        .param("run", runId)
        .param("limit", limit)
        .query((rs, n) -> view(rs))
        .list();
  }

  private static SelectionView view(ResultSet rs) throws SQLException {
    String progress = rs.getString("progress");
    return new SelectionView(
        rs.getObject("id", UUID.class),
        JobState.valueOf(rs.getString("state")),
        JSON.readValue(rs.getString("request"), CreateSelection.class),
        progress == null ? Map.of() : JSON.readValue(progress, MAP),
        (Integer) rs.getObject("log_size"),
        (Integer) rs.getObject("train_size"),
        (Integer) rs.getObject("kept_size"),
        (Double) rs.getObject("effective_eta"),
        rs.getString("error"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    Timestamp t = rs.getTimestamp(col);
    return t == null ? null : t.toInstant();
  }

  void progress(UUID id, Map<String, Object> progress) {
    jdbc.sql("UPDATE selection.job SET progress = ?::jsonb WHERE id = ?")
        .param(JSON.writeValueAsString(progress))
        .param(id)
        .update();
  }

  /** Forgets what an earlier attempt of the job wrote (a resumed job starts again). */
  void clearSamples(UUID id) {
    jdbc.sql("DELETE FROM selection.sample WHERE job_id = ?").param(id).update();
    jdbc.sql(
            "UPDATE selection.job SET log_size = NULL, train_size = NULL, kept_size = NULL,"
                + " effective_eta = NULL WHERE id = ?")
        .param(id)
        .update();
  }

  private static final String INSERT_SAMPLE =
      """
      INSERT INTO selection.sample (job_id, rollout_id, step, idx, subtask, prompt, response,
                                    reward_mean, reward_variance, gold_reward)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, rollout_id) DO NOTHING""";

  /** Stores one page of the log as the job's samples (one batched insert). */
  void insertSamples(UUID id, List<RolloutView> page) {
    template.batchUpdate(
        INSERT_SAMPLE,
        page,
        page.size(),
        (PreparedStatement ps, RolloutView r) -> {
          ps.setObject(1, id);
          ps.setLong(2, r.id());
          ps.setInt(3, r.step());
          ps.setInt(4, r.index());
          ps.setString(5, r.subtask());
          ps.setString(6, r.prompt());
          ps.setString(7, r.response());
          ps.setDouble(8, r.rewardMean());
          ps.setDouble(9, r.rewardVariance());
          if (r.goldReward() == null) {
            ps.setNull(10, Types.DOUBLE);
          } else {
            ps.setDouble(10, r.goldReward());
          }
        });
  }

  private static final String UPDATE_SAMPLE =
      """
      UPDATE selection.sample SET variance_rank = ?, variance_fraction = ?, passed_uncertainty = ?,
             influence = ?::jsonb, cosines = ?::jsonb, aggregate = ?, influence_rank = ?, kept = ?
      WHERE job_id = ? AND rollout_id = ?""";

  /** Writes the samples' results (batched). */
  void storeOutcomes(UUID id, List<Outcome> outcomes) {
    template.batchUpdate(
        UPDATE_SAMPLE,
        outcomes,
        1000,
        (PreparedStatement ps, Outcome o) -> {
          ps.setInt(1, o.varianceRank());
          ps.setDouble(2, o.varianceFraction());
          ps.setBoolean(3, o.passed());
          ps.setString(4, o.influence() == null ? null : JSON.writeValueAsString(o.influence()));
          ps.setString(5, o.cosines() == null ? null : JSON.writeValueAsString(o.cosines()));
          if (o.aggregate() == null) {
            ps.setNull(6, Types.DOUBLE);
          } else {
            ps.setDouble(6, o.aggregate());
          }
          if (o.influenceRank() == null) {
            ps.setNull(7, Types.INTEGER);
          } else {
            ps.setInt(7, o.influenceRank());
          }
          ps.setBoolean(8, o.kept());
          ps.setObject(9, id);
          ps.setLong(10, o.rolloutId());
        });
  }

  void finishSizes(UUID id, int logSize, int trainSize, int keptSize, Double effectiveEta) {
    jdbc.sql(
            "UPDATE selection.job SET log_size = ?, train_size = ?, kept_size = ?,"
                + " effective_eta = ? WHERE id = ?")
        .param(logSize)
        .param(trainSize)
        .param(keptSize)
        .param(effectiveEta)
        .param(id)
        .update();
  }

  /** A page of the job's samples in log order after {@code after}; {@code kept} filters. */
  public List<SelectedSample> samples(UUID id, long after, Boolean kept, int limit) {
    return jdbc.sql(
            "SELECT * FROM selection.sample WHERE job_id = :id AND rollout_id > :after"
                + " AND (CAST(:kept AS boolean) IS NULL OR kept = :kept)"
                + " ORDER BY rollout_id LIMIT :limit")
        .param("id", id)
        .param("after", after)
        .param("kept", kept)
        .param("limit", limit)
        .query((rs, n) -> sample(rs))
        .list();
  }

  /** One sample's result and its cosines per checkpoint epoch. */
  public Optional<Map.Entry<SelectedSample, Map<String, Map<String, Double>>>> sample(
      UUID id, long rolloutId) {
    return jdbc.sql("SELECT * FROM selection.sample WHERE job_id = ? AND rollout_id = ?")
        .param(id)
        .param(rolloutId)
        .query(
            (rs, n) -> {
              String c = rs.getString("cosines");
              Map<String, Map<String, Double>> cos =
                  c == null ? Map.of() : JSON.readValue(c, COSINES);
              return Map.entry(sample(rs), cos);
            })
        .optional();
  }

  private static SelectedSample sample(ResultSet rs) throws SQLException {
    String inf = rs.getString("influence");
    return new SelectedSample(
        rs.getLong("rollout_id"),
        rs.getInt("step"),
        rs.getInt("idx"),
        rs.getString("subtask"),
        rs.getDouble("reward_mean"),
        rs.getDouble("reward_variance"),
        (Double) rs.getObject("gold_reward"),
        rs.getInt("variance_rank"),
        rs.getDouble("variance_fraction"),
        rs.getBoolean("passed_uncertainty"),
        inf == null ? null : JSON.readValue(inf, SCORES),
        (Double) rs.getObject("aggregate"),
        (Integer) rs.getObject("influence_rank"),
        rs.getBoolean("kept"));
  }

  /** Streams the kept samples in log order as the items relabel-service takes. */
  public void keptItems(UUID id, Consumer<RelabelItem> sink) {
    template.query(
        con -> {
          PreparedStatement ps =
              con.prepareStatement(
                  "SELECT rollout_id, prompt, response FROM selection.sample"
                      + " WHERE job_id = ? AND kept ORDER BY rollout_id");
          ps.setObject(1, id);
          ps.setFetchSize(500);
          return ps;
        },
        rs -> {
          sink.accept(
              new RelabelItem(Long.toString(rs.getLong(1)), rs.getString(2), rs.getString(3)));
        });
  }
}
