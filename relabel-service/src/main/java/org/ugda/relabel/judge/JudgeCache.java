package org.ugda.relabel.judge;

import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The judge's answers in {@code relabel.judge_cache}, keyed by (model, rubric version, prompt,
 * response). A row is first a claim ({@code PENDING}, with an owner and a lease): one caller asks
 * the LLM, others wait for its answer or take over once the lease has passed; then it is the answer
 * ({@code DONE}), kept for good, so that no item is paid for twice, across jobs, retries,
 * concurrent callers and restarts.
 */
final class JudgeCache {

  private final JdbcClient jdbc;

  JudgeCache(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  static String key(String model, String rubricVersion, String prompt, String response) {
    return ContentHash.sha256(model, rubricVersion, ContentHash.of(prompt, response));
  }

  /** The stored answer, if one is {@code DONE}. */
  Optional<Verdict> answer(String key) {
    return jdbc.sql(
            "SELECT verdict, score, reason FROM relabel.judge_cache WHERE cache_key = ? AND state = 'DONE'")
        .param(key)
        .query(
            (rs, row) ->
                "SCORED".equals(rs.getString("verdict"))
                    ? (Verdict) new Verdict.Scored(rs.getInt("score"), rs.getString("reason"))
                    : new Verdict.Unusable(rs.getString("reason")))
        .optional();
  }

  /** Takes the claim on {@code key} if nobody holds a live one and it has no answer yet. */
  boolean claim(String key, String model, String rubricVersion, String owner, Duration lease) {
    return jdbc.sql(
            """
                INSERT INTO relabel.judge_cache (cache_key, model, rubric_version, state, owner, lease_until)
                VALUES (:key, :model, :rubric, 'PENDING', :owner, now() + :leaseMs * interval '1 millisecond')
                ON CONFLICT (cache_key) DO UPDATE
                    SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
                    WHERE relabel.judge_cache.state = 'PENDING' AND relabel.judge_cache.lease_until < now()
                RETURNING owner""")
        .param("key", key)
        .param("model", model)
        .param("rubric", rubricVersion)
        .param("owner", owner)
        .param("leaseMs", lease.toMillis())
        .query(String.class)
        .optional()
        .filter(owner::equals)
        .isPresent();
  }

  /** Extends a held claim (before each attempt, so a long retry sequence keeps it). */
  void renew(String key, String owner, Duration lease) {
    jdbc.sql(
            """
                UPDATE relabel.judge_cache SET lease_until = now() + :leaseMs * interval '1 millisecond'
                WHERE cache_key = :key AND state = 'PENDING' AND owner = :owner""")
        .param("key", key)
        .param("owner", owner)
        .param("leaseMs", lease.toMillis())
        .update();
  }

  /**
   * Stores an answer and returns the one that is stored: if another caller took the claim over and
   * answered first, its answer stays and is returned (one answer per key, for good).
   */
  Verdict complete(
      String key,
      String model,
      String rubricVersion,
      Verdict verdict,
      Completion completion,
      double costUsd) {
    Integer score = verdict instanceof Verdict.Scored scored ? scored.score() : null;
    String reason =
        verdict instanceof Verdict.Scored scored
            ? scored.reason()
            : ((Verdict.Unusable) verdict).why();
    jdbc.sql(
            """
                INSERT INTO relabel.judge_cache (cache_key, model, rubric_version, state, verdict, score, reason,
                        prompt_tokens, completion_tokens, cost_usd, completed_at)
                VALUES (:key, :model, :rubric, 'DONE', :verdict, :score, :reason, :promptTokens, :completionTokens,
                        :cost, now())
                ON CONFLICT (cache_key) DO UPDATE
                    SET state = 'DONE', owner = NULL, lease_until = NULL, verdict = EXCLUDED.verdict,
                        score = EXCLUDED.score, reason = EXCLUDED.reason, prompt_tokens = EXCLUDED.prompt_tokens,
                        completion_tokens = EXCLUDED.completion_tokens, cost_usd = EXCLUDED.cost_usd,
                        completed_at = EXCLUDED.completed_at
                    WHERE relabel.judge_cache.state = 'PENDING'""")
        .param("key", key)
        .param("model", model)
        .param("rubric", rubricVersion)
        .param("verdict", score == null ? "UNUSABLE" : "SCORED")
        .param("score", score)
        .param("reason", reason)
        .param("promptTokens", completion.promptTokens())
        .param("completionTokens", completion.completionTokens())
        .param("cost", costUsd)
        .update();
    return answer(key)
        .orElseThrow(() -> new IllegalStateException("judge cache row " + key + " vanished"));
  }

  /** Gives up a claim without an answer, so that another caller may try at once. */
  void release(String key, String owner) {
    jdbc.sql(
            "DELETE FROM relabel.judge_cache WHERE cache_key = ? AND state = 'PENDING' AND owner = ?")
        .param(key)
        .param(owner)
        .update();
  }
}
