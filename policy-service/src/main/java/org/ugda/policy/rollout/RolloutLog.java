package org.ugda.policy.rollout;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.policy.RolloutView;
import org.ugda.support.problem.NotFoundException;

/**
 * A run's rollout log in {@code policy.rollout}: every sample a PPO run generated, with every
 * member's reward. The PPO job writes it with {@link #append}; the REST endpoints, the export and
 * the gradient features read it.
 *
 * <p>{@code (run_id, step, idx)} is a sample's identity, so a retried or resumed step inserts
 * nothing twice. Reads go by keyset on {@code id} (never {@code OFFSET}); ids grow in the order
 * rows were logged.
 *
 * <p>A plain component, not a {@code @Repository}: where JPA is on the classpath (the standalone
 * JVM, the tests beside reward-service) Spring would wrap a repository's IllegalArgumentException
 * (a 400 with what to fix) into a DataAccessException (a 500).
 */
@Component
public class RolloutLog {

  /**
   * One page of the log.
   *
   * @param items the rows in id order
   * @param nextAfter the id to read on after ({@code afterId} of the next {@link #page} call), or
   *     null when no row follows
   */
  public record Page(List<RolloutView> items, Long nextAfter) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /**
   * How many of a run's rollouts one ensemble version scored ({@code ensembleId} and {@code
   * ensembleVersion} null: rollouts logged without an ensemble).
   */
  public record Scoring(UUID ensembleId, Integer ensembleVersion, long rollouts) {}

  private static final String COLUMNS =
      """
      id, run_id, epoch, step, idx, subtask, prompt, response, prompt_tokens, response_tokens,
      prompt_length, response_length, ended_with_eos, member_rewards, reward_mean, reward_variance,
      kl, shaped_reward, gold_reward, policy_version, ensemble_id, ensemble_version, created_at""";

  private static final String INSERT =
      """
      INSERT INTO policy.rollout (run_id, epoch, step, idx, subtask, prompt, response, prompt_tokens,
              response_tokens, prompt_length, response_length, ended_with_eos, member_rewards,
              reward_mean, reward_variance, kl, shaped_reward, gold_reward, policy_version,
              ensemble_id, ensemble_version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT ON CONSTRAINT rollout_sample DO NOTHING""";

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate transactions;
  private final TransactionTemplate readOnly;
  private final RolloutProperties properties;

  RolloutLog(
      JdbcClient jdbc,
      JdbcTemplate template,
      PlatformTransactionManager transactionManager,
      RolloutProperties properties) {
    this.jdbc = jdbc;
    this.template = template;
    this.transactions = new TransactionTemplate(transactionManager);
    this.readOnly = new TransactionTemplate(transactionManager);
    this.readOnly.setReadOnly(true);
    this.properties = properties;
  }

  /**
   * Logs a batch of rollouts with one batched insert, in one transaction (it joins the caller's
   * transaction if there is one). A rollout whose {@code (runId, step, index)} is already logged is
   * skipped, so the same batch twice stores it once and an overlapping batch stores only its new
   * rows.
   *
   * @return how many rows this call inserted (0 for an empty batch or one logged before)
   * @throws IllegalArgumentException if the batch holds one {@code (runId, step, index)} twice, or
   *     rollouts of one ensemble version with different numbers of member rewards (also against
   *     rows logged before); nothing is stored
   * @throws NotFoundException if a rollout's run has no {@code run} row; nothing is stored
   */
  public int append(List<Rollout> rollouts) {
    Objects.requireNonNull(rollouts, "rollouts");
    if (rollouts.isEmpty()) {
      return 0;
    }
    checkBatch(rollouts);
    Integer inserted =
        transactions.execute(
            status -> {
              for (UUID runId : runIds(rollouts)) {
                if (!exists(runId)) {
                  throw new NotFoundException(
                      "no run with id " + runId + "; insert its run row before logging rollouts");
                }
              }
              checkMemberCounts(rollouts);
              int[][] counts =
                  template.batchUpdate(INSERT, rollouts, rollouts.size(), RolloutLog::bind);
              int sum = 0;
              for (int[] batch : counts) {
                for (int count : batch) {
                  if (count < 0) {
                    throw new IllegalStateException(
                        "the JDBC driver did not report how many rollouts it inserted (update count "
                            + count
                            + "); do not set reWriteBatchedInserts on spring.datasource.url");
                  }
                  sum += count;
                }
              }
              return sum;
            });
    return inserted == null ? 0 : inserted;
  }

  /** Whether the run exists (its {@code run} row; reads of an unknown run are a 404). */
  public boolean exists(UUID runId) {
    return Boolean.TRUE.equals(
        jdbc.sql("SELECT EXISTS (SELECT 1 FROM policy.run WHERE id = ?)")
            .param(runId)
            .query(Boolean.class)
            .single());
  }

  /**
   * Up to {@code limit} rows of the run that match the filter, with ids above {@code afterId}, in
   * id order (keyset pagination: start with {@code afterId} 0, go on with {@link
   * Page#nextAfter()}).
   */
  public Page page(UUID runId, RolloutFilter filter, long afterId, int limit) {
    if (limit < 1 || limit == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    Where where = where(runId, filter).and("id > ?", afterId);
    List<Object> args = new ArrayList<>(where.args());
    args.add(limit + 1);
    List<RolloutView> rows =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM policy.rollout WHERE "
                    + where.sql()
                    + " ORDER BY id LIMIT ?")
            .params(args)
            .query(RolloutLog::view)
            .list();
    if (rows.size() > limit) {
      List<RolloutView> items = rows.subList(0, limit);
      return new Page(items, items.get(limit - 1).id());
    }
    return new Page(rows, null);
  }

  /** One rollout of the run; empty if there is none with that id in this run. */
  public Optional<RolloutView> find(UUID runId, long rolloutId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM policy.rollout WHERE run_id = ? AND id = ?")
        .params(runId, rolloutId)
        .query(RolloutLog::view)
        .optional();
  }

  /**
   * The run's rollouts with these ids, in the order the ids are given; ids of no rollout of this
   * run are left out, and an id given twice comes once.
   */
  public List<RolloutView> findByIds(UUID runId, List<Long> rolloutIds) {
    Objects.requireNonNull(rolloutIds, "rolloutIds");
    Set<Long> wanted = new LinkedHashSet<>(rolloutIds);
    if (wanted.isEmpty()) {
      return List.of();
    }
    long[] ids = wanted.stream().mapToLong(Long::longValue).toArray();
    Map<Long, RolloutView> found = new HashMap<>();
    jdbc.sql("SELECT " + COLUMNS + " FROM policy.rollout WHERE run_id = ? AND id = ANY (?)")
        .params(runId, ids)
        .query(RolloutLog::view)
        .list()
        .forEach(view -> found.put(view.id(), view));
    List<RolloutView> ordered = new ArrayList<>(found.size());
    for (Long id : wanted) {
      RolloutView view = found.get(id);
      if (view != null) {
        ordered.add(view);
      }
    }
    return ordered;
  }

  /**
   * Hands every matching row of the run to {@code sink} in id order, reading {@code
   * ugda.policy.rollouts.export-fetch-size} rows at a time through a database cursor (in a
   * read-only transaction that holds one connection until the last row), so a log of any size is
   * never held in memory. An exception of the sink stops the read and propagates.
   *
   * @return how many rows the sink got
   */
  public long stream(UUID runId, RolloutFilter filter, Consumer<RolloutView> sink) {
    Objects.requireNonNull(sink, "sink");
    Where where = where(runId, filter);
    long[] count = {0};
    readOnly.executeWithoutResult(
        status ->
            jdbc.sql(
                    "SELECT "
                        + COLUMNS
                        + " FROM policy.rollout WHERE "
                        + where.sql()
                        + " ORDER BY id")
                .withFetchSize(properties.exportFetchSize())
                .params(where.args())
                .query(
                    (ResultSet rs) -> {
                      sink.accept(view(rs, 0));
                      count[0]++;
                    }));
    return count[0];
  }

  /** How many rows of the run match the filter. */
  public long count(UUID runId, RolloutFilter filter) {
    Where where = where(runId, filter);
    return jdbc.sql("SELECT count(*) FROM policy.rollout WHERE " + where.sql())
        .params(where.args())
        .query(Long.class)
        .single();
  }

  /** The steps the run has logged rollouts of, ascending. */
  public SortedSet<Integer> steps(UUID runId) {
    return Collections.unmodifiableSortedSet(
        new TreeSet<>(
            jdbc.sql("SELECT DISTINCT step FROM policy.rollout WHERE run_id = ?")
                .param(runId)
                .query(Integer.class)
                .list()));
  }

  /**
   * Every member's reward of each rollout of the run that this ensemble version scored,
   * member-major: {@code members.get(i).get(s)} is member i's reward of sample s, samples in id
   * order. Empty if no rollout of the run carries that version.
   */
  public List<List<Double>> memberRewards(UUID runId, UUID ensembleId, int ensembleVersion) {
    Objects.requireNonNull(ensembleId, "ensembleId");
    List<List<Double>> members = new ArrayList<>();
    readOnly.executeWithoutResult(
        status ->
            jdbc.sql(
                    """
                    SELECT id, member_rewards FROM policy.rollout
                    WHERE run_id = ? AND ensemble_id = ? AND ensemble_version = ?
                    ORDER BY id""")
                .withFetchSize(properties.exportFetchSize())
                .params(runId, ensembleId, ensembleVersion)
                .query(
                    (ResultSet rs) -> {
                      double[] rewards = doubles(rs.getArray("member_rewards"));
                      if (members.isEmpty()) {
                        for (int i = 0; i < rewards.length; i++) {
                          members.add(new ArrayList<>());
                        }
                      } else if (rewards.length != members.size()) {
                        throw new IllegalStateException(
                            "rollout "
                                + rs.getLong("id")
                                + " of run "
                                + runId
                                + " has "
                                + rewards.length
                                + " member rewards where the version's earlier rollouts have "
                                + members.size());
                      }
                      for (int i = 0; i < rewards.length; i++) {
                        members.get(i).add(rewards[i]);
                      }
                    }));
    return members.stream().map(Collections::unmodifiableList).toList();
  }

  /** Which ensemble versions scored the run's rollouts, and how many each (for 404 details). */
  public List<Scoring> scoredWith(UUID runId) {
    return jdbc.sql(
            """
            SELECT ensemble_id, ensemble_version, count(*) AS rollouts FROM policy.rollout
            WHERE run_id = ? GROUP BY ensemble_id, ensemble_version
            ORDER BY ensemble_id NULLS LAST, ensemble_version""")
        .param(runId)
        .query(
            (rs, row) ->
                new Scoring(
                    rs.getObject("ensemble_id", UUID.class),
                    rs.getObject("ensemble_version", Integer.class),
                    rs.getLong("rollouts")))
        .list();
  }

  /** Refuses a batch with one sample twice or with different member counts for one version. */
  private static void checkBatch(List<Rollout> rollouts) {
    Set<List<Object>> seen = new HashSet<>();
    Map<List<Object>, Integer> counts = new LinkedHashMap<>();
    for (Rollout rollout : rollouts) {
      Objects.requireNonNull(rollout, "a rollout of the batch is null");
      if (!seen.add(List.of(rollout.runId(), rollout.step(), rollout.index()))) {
        throw new IllegalArgumentException(
            "the batch holds the rollout (run "
                + rollout.runId()
                + ", step "
                + rollout.step()
                + ", index "
                + rollout.index()
                + ") twice");
      }
      if (rollout.ensembleId() != null) {
        List<Object> version =
            List.of(rollout.runId(), rollout.ensembleId(), rollout.ensembleVersion());
        Integer before = counts.putIfAbsent(version, rollout.memberRewards().length);
        if (before != null && before != rollout.memberRewards().length) {
          throw new IllegalArgumentException(
              "the batch's rollouts scored by ensemble "
                  + rollout.ensembleId()
                  + " version "
                  + rollout.ensembleVersion()
                  + " have "
                  + before
                  + " and "
                  + rollout.memberRewards().length
                  + " member rewards; one version has one number of members");
        }
      }
    }
  }

  /** Refuses rollouts of a version whose logged rollouts have another number of members. */
  private void checkMemberCounts(List<Rollout> rollouts) {
    Set<List<Object>> checked = new HashSet<>();
    for (Rollout rollout : rollouts) {
      if (rollout.ensembleId() == null
          || !checked.add(
              List.of(rollout.runId(), rollout.ensembleId(), rollout.ensembleVersion()))) {
        continue;
      }
      Optional<Integer> logged =
          jdbc.sql(
                  """
                  SELECT cardinality(member_rewards) FROM policy.rollout
                  WHERE run_id = ? AND ensemble_id = ? AND ensemble_version = ? LIMIT 1""")
              .params(rollout.runId(), rollout.ensembleId(), rollout.ensembleVersion())
              .query(Integer.class)
              .optional();
      if (logged.isPresent() && logged.get() != rollout.memberRewards().length) {
        throw new IllegalArgumentException(
            "run "
                + rollout.runId()
                + " logged rollouts scored by ensemble "
                + rollout.ensembleId()
                + " version "
                + rollout.ensembleVersion()
                + " with "
                + logged.get()
                + " member rewards each; this batch has "
                + rollout.memberRewards().length);
      }
    }
  }

  private static Set<UUID> runIds(List<Rollout> rollouts) {
    Set<UUID> runs = new LinkedHashSet<>();
    rollouts.forEach(rollout -> runs.add(rollout.runId()));
    return runs;
  }

  private static void bind(PreparedStatement ps, Rollout r) throws SQLException {
    ps.setObject(1, r.runId());
    ps.setInt(2, r.epoch());
    ps.setInt(3, r.step());
    ps.setInt(4, r.index());
    ps.setString(5, r.subtask());
    ps.setString(6, r.prompt());
    ps.setString(7, r.response());
    ps.setObject(8, r.promptTokens());
    ps.setObject(9, r.responseTokens());
    ps.setInt(10, r.promptLength());
    ps.setInt(11, r.responseLength());
    ps.setBoolean(12, r.endedWithEos());
    ps.setObject(13, r.memberRewards());
    ps.setDouble(14, r.rewardMean());
    ps.setDouble(15, r.rewardVariance());
    ps.setDouble(16, r.kl());
    ps.setDouble(17, r.shapedReward());
    if (r.goldReward() == null) {
      ps.setNull(18, Types.DOUBLE);
    } else {
      ps.setDouble(18, r.goldReward());
    }
    ps.setInt(19, r.policyVersion());
    ps.setObject(20, r.ensembleId());
    if (r.ensembleVersion() == null) {
      ps.setNull(21, Types.INTEGER);
    } else {
      ps.setInt(21, r.ensembleVersion());
    }
  }

  static RolloutView view(ResultSet rs, int row) throws SQLException {
    return new RolloutView(
        rs.getLong("id"),
        rs.getObject("run_id", UUID.class),
        rs.getInt("epoch"),
        rs.getInt("step"),
        rs.getInt("idx"),
        rs.getString("subtask"),
        rs.getString("prompt"),
        rs.getString("response"),
        longs(rs.getArray("prompt_tokens")),
        longs(rs.getArray("response_tokens")),
        rs.getInt("prompt_length"),
        rs.getInt("response_length"),
        rs.getBoolean("ended_with_eos"),
        doubles(rs.getArray("member_rewards")),
        rs.getDouble("reward_mean"),
        rs.getDouble("reward_variance"),
        rs.getDouble("kl"),
        rs.getDouble("shaped_reward"),
        rs.getObject("gold_reward", Double.class),
        rs.getInt("policy_version"),
        rs.getObject("ensemble_id", UUID.class),
        rs.getObject("ensemble_version", Integer.class),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }

  private static long[] longs(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = ((Number) values[i]).longValue();
    }
    return out;
  }

  private static double[] doubles(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = ((Number) values[i]).doubleValue();
    }
    return out;
  }

  /** A WHERE clause with positional arguments. */
  private record Where(String sql, List<Object> args) {
    Where and(String condition, Object arg) {
      List<Object> more = new ArrayList<>(args);
      more.add(arg);
      return new Where(sql + " AND " + condition, more);
    }
  }

  private static Where where(UUID runId, RolloutFilter filter) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(filter, "filter");
    Where where = new Where("run_id = ?", List.of(runId));
    if (filter.fromStep() != null) {
      where = where.and("step >= ?", filter.fromStep());
    }
    if (filter.toStep() != null) {
      where = where.and("step <= ?", filter.toStep());
    }
    if (filter.subtask() != null) {
      where = where.and("subtask = ?", filter.subtask());
    }
    return where;
  }
}
