package org.ugda.gateway.pipeline;

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
import org.ugda.support.job.JobTable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code gateway.run} and {@code gateway.run_step} tables. */
@Component
public class PipelineStore {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JobTable jobs;

  PipelineStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
    this.jobs = new JobTable(jdbc, "gateway.run");
  }

  /** The runs' state columns (the shared job machinery's view of {@code gateway.run}). */
  JobTable jobs() {
    return jobs;
  }

  /** A step to be written at submission: its name and what its result depends on. */
  record PlannedStep(String name, String fingerprint) {}

  /** A finished step of an earlier run that a new step may take over. */
  record Reusable(UUID runId, Map<String, Object> outputs) {}

  void insert(
      UUID id,
      PipelineRequest request,
      List<PlannedStep> steps,
      String key,
      String fingerprint,
      Instant now) {
    jdbc.sql(
            """
            INSERT INTO gateway.run (id, state, name, method, request, idempotency_key,
                                     request_fingerprint, created_at)
            VALUES (?, 'QUEUED', ?, ?, ?::jsonb, ?, ?, ?)""")
        .param(id)
        .param(request.name())
        .param(request.method().wire())
        .param(JSON.writeValueAsString(request))
        .param(key)
        .param(fingerprint)
        .param(Timestamp.from(now))
        .update();
    for (int i = 0; i < steps.size(); i++) {
      jdbc.sql(
              """
              INSERT INTO gateway.run_step (run_id, ordinal, name, state, fingerprint)
              VALUES (?, ?, ?, 'PENDING', ?)""")
          .param(id)
          .param(i + 1)
          .param(steps.get(i).name())
          .param(steps.get(i).fingerprint())
          .update();
    }
  }

  Optional<PipelineRequest> request(UUID id) {
    return jdbc.sql("SELECT request FROM gateway.run WHERE id = ?")
        .param(id)
        .query((rs, n) -> JSON.readValue(rs.getString(1), PipelineRequest.class))
        .optional();
  }

  public Optional<PipelineRun> view(UUID id) {
    return jdbc.sql("SELECT * FROM gateway.run WHERE id = ?")
        .param(id)
        .query((rs, n) -> run(rs))
        .optional();
  }

  public List<PipelineRun> list(int limit) {
    return jdbc.sql("SELECT * FROM gateway.run ORDER BY created_at DESC, id LIMIT ?")
        .param(limit)
        .query((rs, n) -> run(rs))
        .list();
  }

  /** Every run whose request carries the tag {@code key = value}, oldest first. */
  public List<PipelineRun> tagged(String key, String value) {
    return jdbc.sql(
            "SELECT * FROM gateway.run WHERE request -> 'tags' ->> ? = ? ORDER BY created_at, id")
        .param(key)
        .param(value)
        .query((rs, n) -> run(rs))
        .list();
  }

  /** The distinct values of tag {@code key} over every run, with how many runs carry each. */
  public Map<String, Long> tagValues(String key) {
    Map<String, Long> out = new java.util.TreeMap<>();
    jdbc.sql(
            "SELECT request -> 'tags' ->> ? AS v, count(*) AS n FROM gateway.run"
                + " WHERE request -> 'tags' ->> ? IS NOT NULL GROUP BY 1")
        .param(key)
        .param(key)
        .query(
            rs -> {
              out.put(rs.getString("v"), rs.getLong("n"));
            });
    return out;
  }

  private PipelineRun run(ResultSet rs) throws SQLException {
    UUID id = rs.getObject("id", UUID.class);
    List<PipelineRun.Step> steps = steps(id);
    String current = null;
    for (PipelineRun.Step s : steps) {
      if (!s.state().equals("SUCCEEDED")) {
        current = s.name();
        break;
      }
    }
    String results = rs.getString("results");
    return new PipelineRun(
        id,
        rs.getString("name"),
        Method.of(rs.getString("method")),
        JobState.valueOf(rs.getString("state")),
        current,
        JSON.readValue(rs.getString("request"), PipelineRequest.class),
        steps,
        results == null ? null : JSON.readValue(results, MAP),
        rs.getString("error"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  List<PipelineRun.Step> steps(UUID runId) {
    return jdbc.sql("SELECT * FROM gateway.run_step WHERE run_id = ? ORDER BY ordinal")
        .param(runId)
        .query(
            (rs, n) -> {
              String progress = rs.getString("progress");
              return new PipelineRun.Step(
                  rs.getInt("ordinal"),
                  rs.getString("name"),
                  rs.getString("state"),
                  JSON.readValue(rs.getString("outputs"), MAP),
                  progress == null ? null : JSON.readValue(progress, MAP),
                  rs.getObject("reused_from", UUID.class),
                  rs.getString("error"),
                  instant(rs, "started_at"),
                  instant(rs, "finished_at"));
            })
        .list();
  }

  String fingerprint(UUID runId, String step) {
    return jdbc.sql("SELECT fingerprint FROM gateway.run_step WHERE run_id = ? AND name = ?")
        .param(runId)
        .param(step)
        .query(String.class)
        .single();
  }

  /** Marks a step RUNNING (from any state but SUCCEEDED) and clears its last error. */
  void startStep(UUID runId, String step, Instant now) {
    jdbc.sql(
            """
            UPDATE gateway.run_step SET state = 'RUNNING', error = NULL, finished_at = NULL,
                   started_at = COALESCE(started_at, ?)
             WHERE run_id = ? AND name = ? AND state <> 'SUCCEEDED'""")
        .param(Timestamp.from(now))
        .param(runId)
        .param(step)
        .update();
  }

  /** Merges {@code values} into a step's outputs (written at once: a restart finds them). */
  void putOutputs(UUID runId, String step, Map<String, Object> values) {
    jdbc.sql(
            "UPDATE gateway.run_step SET outputs = outputs || ?::jsonb WHERE run_id = ? AND name = ?")
        .param(JSON.writeValueAsString(values))
        .param(runId)
        .param(step)
        .update();
  }

  /** Takes keys out of a step's outputs (a retried step starts its remote job afresh). */
  void removeOutputs(UUID runId, String step, List<String> keys) {
    for (String k : keys) {
      jdbc.sql("UPDATE gateway.run_step SET outputs = outputs - ? WHERE run_id = ? AND name = ?")
          .param(k)
          .param(runId)
          .param(step)
          .update();
    }
  }

  void progress(UUID runId, String step, Map<String, Object> progress) {
    jdbc.sql("UPDATE gateway.run_step SET progress = ?::jsonb WHERE run_id = ? AND name = ?")
        .param(JSON.writeValueAsString(progress))
        .param(runId)
        .param(step)
        .update();
  }

  void finishStep(UUID runId, String step, String state, String error, Instant now) {
    jdbc.sql(
            """
            UPDATE gateway.run_step SET state = ?, error = ?, finished_at = ?
             WHERE run_id = ? AND name = ?""")
        .param(state)
        .param(error)
        .param(Timestamp.from(now))
        .param(runId)
        .param(step)
        .update();
  }

  /** Records that a step took over an earlier run's finished step with the same fingerprint. */
  void reuse(UUID runId, String step, Reusable from, Instant now) {
    jdbc.sql(
            """
            UPDATE gateway.run_step SET state = 'SUCCEEDED', outputs = ?::jsonb, reused_from = ?,
                   started_at = ?, finished_at = ?, error = NULL
             WHERE run_id = ? AND name = ?""")
        .param(JSON.writeValueAsString(from.outputs()))
        .param(from.runId())
        .param(Timestamp.from(now))
        .param(Timestamp.from(now))
        .param(runId)
        .param(step)
        .update();
  }

  /** The newest finished step of another run with this name and fingerprint. */
  Optional<Reusable> reusable(UUID runId, String step, String fingerprint) {
    return jdbc.sql(
            """
            SELECT run_id, outputs FROM gateway.run_step
             WHERE state = 'SUCCEEDED' AND fingerprint = ? AND name = ? AND run_id <> ?
             ORDER BY finished_at DESC LIMIT 1""")
        .param(fingerprint)
        .param(step)
        .param(runId)
        .query(
            (rs, n) ->
                new Reusable(
                    rs.getObject("run_id", UUID.class), JSON.readValue(rs.getString(2), MAP)))
        .optional();
  }

  /** Steps left unfinished by a stop (cancel, failure elsewhere) go back to PENDING. */
  void settleRunningSteps(UUID runId, String state) {
    jdbc.sql("UPDATE gateway.run_step SET state = ? WHERE run_id = ? AND state = 'RUNNING'")
        .param(state)
        .param(runId)
        .update();
  }

  /** A run's results as stored (empty before its evaluate step). */
  Map<String, Object> resultsOf(UUID runId) {
    String json =
        jdbc.sql("SELECT results FROM gateway.run WHERE id = ?")
            .param(runId)
            .query(String.class)
            .optional()
            .orElse(null);
    return json == null ? Map.of() : JSON.readValue(json, MAP);
  }

  void results(UUID runId, Map<String, Object> results) {
    jdbc.sql("UPDATE gateway.run SET results = ?::jsonb WHERE id = ?")
        .param(JSON.writeValueAsString(results))
        .param(runId)
        .update();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
