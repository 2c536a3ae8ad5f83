package org.ugda.relabel.agreement;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.relabel.AgreementReport;
import org.ugda.support.problem.NotFoundException;

/**
 * {@code GET /v1/relabel/agreement?expertA=human&expertB=openai[&jobId=...]}: the paper's table 1
 * for two experts, over every sample both labelled (the same prompt and response, in any job), or
 * only samples that occur in {@code jobId}.
 *
 * <p>An expert's score for a sample is its latest label there that it has not corrected itself: a
 * correction by a person supersedes a person's label, while the LLM's label stays the LLM's opinion
 * even after a person corrected it (that is the disagreement the table measures).
 */
@RestController
class AgreementController {

  private final JdbcClient jdbc;

  AgreementController(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @GetMapping("/v1/relabel/agreement")
  AgreementReport agreement(
      @RequestParam(name = "expertA", required = false) String expertA,
      @RequestParam(name = "expertB", required = false) String expertB,
      @RequestParam(name = "jobId", required = false) UUID jobId) {
    ExpertSelector a = ExpertSelector.parse(expertA, "expertA");
    ExpertSelector b = ExpertSelector.parse(expertB, "expertB");
    if (jobId != null
        && jdbc.sql("SELECT count(*) FROM relabel.job WHERE id = ?")
                .param(jobId)
                .query(Integer.class)
                .single()
            == 0) {
      throw new NotFoundException("no job with id " + jobId);
    }
    return AgreementStatistics.report(
        a.toString(), b.toString(), jobId, scores(a, jobId), scores(b, jobId));
  }

  /** Score per sample (content hash) of one expert. */
  private Map<String, Integer> scores(ExpertSelector expert, UUID jobId) {
    return jdbc
        .sql(
            """
                SELECT DISTINCT ON (i.content_hash) i.content_hash, l.score
                FROM relabel.label l JOIN relabel.item i ON i.id = l.item_id
                WHERE l.expert = :expert
                  AND (CAST(:labeller AS text) IS NULL OR l.labeller = :labeller)
                  AND (CAST(:job AS uuid) IS NULL
                       OR i.content_hash IN (SELECT content_hash FROM relabel.item WHERE job_id = :job))
                  AND NOT EXISTS (SELECT 1 FROM relabel.label s WHERE s.supersedes_id = l.id AND s.expert = l.expert)
                ORDER BY i.content_hash, l.created_at DESC, l.id""")
        .param("expert", expert.expert())
        .param("labeller", expert.labeller())
        .param("job", jobId)
        .query((rs, row) -> Map.entry(rs.getString("content_hash"), rs.getInt("score")))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
