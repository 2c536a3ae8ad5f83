package org.ugda.policy.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.ugda.api.job.JobState;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.CreateRun;
import org.ugda.api.policy.RunStep;
import org.ugda.api.policy.RunView;
import org.ugda.support.job.JobTable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code policy.run}, {@code policy.run_step} and {@code policy.checkpoint} tables. */
@Component
public class RunStore {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JobTable jobs;

  RunStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
    this.jobs = new JobTable(jdbc, "policy.run");
  }

  /** The runs' state columns (the shared job machinery's view of {@code policy.run}). */
  JobTable jobs() {
    return jobs;
  }

  /** A run as stored: its request (settings filled) and where it stands. */
  record StoredRun(UUID id, JobState state, CreateRun request, int totalSteps, int finishedSteps) {}

  void insert(
      UUID id, CreateRun request, int totalSteps, String key, String fingerprint, Instant now) {
    jdbc.sql(
            """
            INSERT INTO policy.run (id, state, settings, shaping, ensemble_id, ensemble_version,
                             total_steps, idempotency_key, request_fingerprint, created_at)
            VALUES (?, 'QUEUED', ?::jsonb, ?, ?, ?, ?, ?, ?, ?)""")
        .param(id)
        .param(JSON.writeValueAsString(request))
        .param(request.shaping().wire())
        .param(request.ensembleId())
        .param(request.ensembleVersion())
        .param(totalSteps)
        .param(key)
        .param(fingerprint)
        .param(Timestamp.from(now))
        .update();
  }

  Optional<StoredRun> stored(UUID id) {
    return jdbc.sql(
            "SELECT id, state, settings, total_steps, finished_steps FROM policy.run WHERE id = ?")
        .param(id)
        .query(
            (rs, n) ->
                new StoredRun(
                    rs.getObject("id", UUID.class),
                    JobState.valueOf(rs.getString("state")),
                    JSON.readValue(rs.getString("settings"), CreateRun.class),
                    rs.getInt("total_steps"),
                    rs.getInt("finished_steps")))
        .optional();
  }

  public Optional<RunView> view(UUID id) {
    return jdbc.sql("SELECT " + VIEW_COLUMNS + " FROM policy.run r WHERE id = ?")
        .param(id)
        .query((rs, n) -> view(rs))
        .optional();
  }

  public List<RunView> list(int limit) {
    return jdbc.sql(
            "SELECT " + VIEW_COLUMNS + " FROM policy.run r ORDER BY created_at DESC, id LIMIT ?")
        .param(limit)
        .query((rs, n) -> view(rs))
        .list();
  }

  /** A run's columns and the size of its rollout log (an index-only count on rollout_by_run). */
  private static final String VIEW_COLUMNS =
      "r.*, (SELECT count(*) FROM policy.rollout o WHERE o.run_id = r.id) AS logged_rollouts";

  private RunView view(ResultSet rs) throws SQLException {
    CreateRun req = JSON.readValue(rs.getString("settings"), CreateRun.class);
    String progress = rs.getString("progress");
    return new RunView(
        rs.getObject("id", UUID.class),
        JobState.valueOf(rs.getString("state")),
        req.shaping(),
        rs.getObject("ensemble_id", UUID.class),
        (Integer) rs.getObject("ensemble_version"),
        rs.getInt("total_steps"),
        rs.getInt("finished_steps"),
        rs.getLong("logged_rollouts"),
        progress == null ? Map.of() : JSON.readValue(progress, MAP),
        rs.getString("error"),
        req.settings(),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    Timestamp t = rs.getTimestamp(col);
    return t == null ? null : t.toInstant();
  }

  void progress(UUID id, Map<String, Object> progress) {
    jdbc.sql("UPDATE policy.run SET progress = ?::jsonb WHERE id = ?")
        .param(JSON.writeValueAsString(progress))
        .param(id)
        .update();
  }

  /** A finished step: its metrics, and the run's count of finished steps (one transaction). */
  void finishStep(UUID id, int step, int epoch, Map<String, Object> metrics) {
    String m = JSON.writeValueAsString(metrics);
    jdbc.sql(
            """
            INSERT INTO policy.run_step (run_id, step, epoch, metrics) VALUES (?, ?, ?, ?::jsonb)
            ON CONFLICT (run_id, step) DO UPDATE SET metrics = excluded.metrics""")
        .param(id)
        .param(step)
        .param(epoch)
        .param(m)
        .update();
    jdbc.sql("UPDATE policy.run SET finished_steps = ?, progress = ?::jsonb WHERE id = ?")
        .param(step + 1)
        .param(m)
        .param(id)
        .update();
  }

  public List<RunStep> steps(UUID id) {
    return jdbc.sql(
            "SELECT step, epoch, metrics FROM policy.run_step WHERE run_id = ? ORDER BY step")
        .param(id)
        .query(
            (rs, n) ->
                new RunStep(
                    rs.getInt("step"),
                    rs.getInt("epoch"),
                    JSON.readValue(rs.getString("metrics"), MAP)))
        .list();
  }

  void insertCheckpoint(UUID id, int epoch, long adamStep, double meanLr, String path) {
    jdbc.sql(
            """
            INSERT INTO policy.checkpoint (run_id, epoch, adam_step, mean_learning_rate, path)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, epoch) DO NOTHING""")
        .param(id)
        .param(epoch)
        .param(adamStep)
        .param(meanLr)
        .param(path)
        .update();
  }

  public List<CheckpointView> checkpoints(UUID id) {
    return jdbc.sql(
            "SELECT epoch, adam_step, mean_learning_rate, path, created_at FROM policy.checkpoint"
                + " WHERE run_id = ? ORDER BY epoch")
        .param(id)
        .query(
            (rs, n) ->
                new CheckpointView(
                    rs.getInt("epoch"),
                    rs.getLong("adam_step"),
                    rs.getDouble("mean_learning_rate"),
                    rs.getString("path"),
                    rs.getTimestamp("created_at").toInstant()))
        .list();
  }

  public Optional<CheckpointView> checkpoint(UUID id, int epoch) {
    return checkpoints(id).stream().filter(c -> c.epoch() == epoch).findFirst();
  }
}
