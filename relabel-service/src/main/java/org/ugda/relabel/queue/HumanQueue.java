package org.ugda.relabel.queue;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.Expert;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.LabelSubmission;
import org.ugda.relabel.job.ItemStore;
import org.ugda.relabel.job.JobStore;
import org.ugda.relabel.label.LabelStore;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/**
 * The human queue in {@code relabel.task}: a labeller claims the next open task for a lease (a task
 * whose lease has passed counts as open), oldest job first and in the job's item order, and submits
 * a score under that claim. The first submit stores the label; the same submit again returns it and
 * stores nothing. Cancelling a job withdraws its open and claimed tasks: they are never handed out
 * again, and a submit for one is a 409 that says the job was cancelled.
 */
@Service
public class HumanQueue {

  /**
   * The stored label of a submit.
   *
   * @param label the label
   * @param created false when an earlier submit of the same claim had stored it
   */
  public record Submission(Label label, boolean created) {}

  private record TaskRow(
      UUID itemId,
      UUID jobId,
      TaskState state,
      UUID claimId,
      String claimedBy,
      String rubricVersion) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final LabelStore labels;
  private final ItemStore items;
  private final JobStore jobs;
  private final QueueProperties properties;

  HumanQueue(
      JdbcClient jdbc,
      TransactionTemplate transactions,
      LabelStore labels,
      ItemStore items,
      JobStore jobs,
      QueueProperties properties) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.labels = labels;
    this.items = items;
    this.jobs = jobs;
    this.properties = properties;
  }

  /**
   * The labeller's live claim if it has one (so a retried claim takes no second task), otherwise a
   * claim on the oldest open task, of {@code jobId} if given; empty when there is none.
   */
  public Optional<HumanTask> claim(String labeller, UUID jobId) {
    Optional<HumanTask> held = held(labeller, jobId);
    if (held.isPresent()) {
      return held;
    }
    Optional<HumanTask> claimed = claimNext(labeller, jobId);
    if (claimed.isEmpty() && jobId != null && jobs.state(jobId) == JobState.CANCELLED) {
      throw new ConflictException(
          "job "
              + jobId
              + " was cancelled: its tasks were withdrawn from the queue; claim without a job"
              + " for tasks of other jobs");
    }
    return claimed;
  }

  private Optional<HumanTask> claimNext(String labeller, UUID jobId) {
    return jdbc.sql(
            """
                UPDATE relabel.task t
                SET state = 'CLAIMED', claim_id = :claim, claimed_by = :labeller, claimed_at = now(),
                    lease_until = now() + :leaseMs * interval '1 millisecond', claims = claims + 1
                WHERE t.id = (SELECT o.id FROM relabel.task o
                              JOIN relabel.job j ON j.id = o.job_id JOIN relabel.item i ON i.id = o.item_id
                              WHERE (o.state = 'OPEN' OR (o.state = 'CLAIMED' AND o.lease_until < now()))
                                AND (CAST(:job AS uuid) IS NULL OR o.job_id = :job)
                              ORDER BY j.created_at, j.id, i.ordinal LIMIT 1 FOR UPDATE OF o SKIP LOCKED)
                RETURNING t.id""")
        .param("claim", UUID.randomUUID())
        .param("labeller", labeller)
        .param("leaseMs", properties.lease().toMillis())
        .param("job", jobId)
        .query(UUID.class)
        .optional()
        .flatMap(this::task);
  }

  /** The labeller's unexpired claim, if any (of {@code jobId} when given). */
  public Optional<HumanTask> held(String labeller, UUID jobId) {
    return jdbc.sql(
            """
                SELECT id FROM relabel.task
                WHERE state = 'CLAIMED' AND claimed_by = :labeller AND lease_until >= now()
                  AND (CAST(:job AS uuid) IS NULL OR job_id = :job)
                ORDER BY claimed_at LIMIT 1""")
        .param("labeller", labeller)
        .param("job", jobId)
        .query(UUID.class)
        .optional()
        .flatMap(this::task);
  }

  /** Stores a person's label for a claimed task; see the class comment for repeats. */
  public Submission submit(UUID taskId, LabelSubmission submission) {
    Submission result =
        transactions.execute(
            status -> {
              // the job first, as every writer does, so that a cancel comes wholly before or after
              UUID jobId =
                  jobOf(taskId)
                      .orElseThrow(() -> new NotFoundException("no task with id " + taskId));
              items.lockJobAgainstCancel(jobId);
              TaskRow task = lock(taskId).orElseThrow();
              Optional<Label> earlier = labels.findByClaim(submission.claimId());
              if (earlier.isPresent()) {
                return repeat(earlier.get(), submission);
              }
              if (task.state() == TaskState.WITHDRAWN) {
                throw new ConflictException(
                    "task "
                        + taskId
                        + " was withdrawn from the queue: job "
                        + jobId
                        + " was cancelled, so nothing is labelled for it any more (labels given"
                        + " before the cancel stay)");
              }
              if (task.state() == TaskState.DONE) {
                throw new ConflictException(
                    "task " + taskId + " was labelled under another claim; claim a new task");
              }
              if (!submission.claimId().equals(task.claimId())) {
                throw new ConflictException(
                    "claim "
                        + submission.claimId()
                        + " does not hold task "
                        + taskId
                        + " (its lease ran out and the task was claimed again, or"
                        + " it never held it); claim a new task");
              }
              if (!submission.labeller().equals(task.claimedBy())) {
                throw new ConflictException(
                    "claim "
                        + submission.claimId()
                        + " belongs to labeller '"
                        + task.claimedBy()
                        + "', not '"
                        + submission.labeller()
                        + "'");
              }
              labels.insertOriginal(
                  task.itemId(),
                  submission.score(),
                  new LabelStore.Origin(
                      Expert.HUMAN,
                      submission.labeller(),
                      submission.comment(),
                      task.rubricVersion(),
                      taskId,
                      submission.claimId(),
                      null));
              jdbc.sql("UPDATE relabel.task SET state = 'DONE', done_at = now() WHERE id = ?")
                  .param(taskId)
                  .update();
              jdbc.sql("UPDATE relabel.item SET state = 'LABELLED' WHERE id = ?")
                  .param(task.itemId())
                  .update();
              Label label = labels.findByClaim(submission.claimId()).orElseThrow();
              return new Submission(label, true);
            });
    if (result.created()) {
      jobs.completeIfAllLabelled(result.label().jobId());
    }
    return result;
  }

  private static Submission repeat(Label earlier, LabelSubmission submission) {
    if (earlier.score() != submission.score()
        || !Objects.equals(earlier.comment(), submission.comment())
        || !earlier.labeller().equals(submission.labeller())) {
      throw new ConflictException(
          "claim "
              + submission.claimId()
              + " was already submitted with score "
              + earlier.score()
              + " (label "
              + earlier.id()
              + "); labels are immutable: POST /v1/relabel/labels/"
              + earlier.id()
              + "/corrections to change it");
    }
    return new Submission(earlier, false);
  }

  private Optional<UUID> jobOf(UUID taskId) {
    return jdbc.sql("SELECT job_id FROM relabel.task WHERE id = ?")
        .param(taskId)
        .query(UUID.class)
        .optional();
  }

  private Optional<TaskRow> lock(UUID taskId) {
    return jdbc.sql(
            """
                SELECT t.item_id, t.job_id, t.state, t.claim_id, t.claimed_by, j.rubric_version
                FROM relabel.task t JOIN relabel.job j ON j.id = t.job_id
                WHERE t.id = ? FOR UPDATE OF t""")
        .param(taskId)
        .query(
            (rs, row) ->
                new TaskRow(
                    rs.getObject("item_id", UUID.class),
                    rs.getObject("job_id", UUID.class),
                    TaskState.valueOf(rs.getString("state")),
                    rs.getObject("claim_id", UUID.class),
                    rs.getString("claimed_by"),
                    rs.getString("rubric_version")))
        .optional();
  }

  private Optional<HumanTask> task(UUID taskId) {
    return jdbc.sql(
            """
                SELECT t.id, t.claim_id, t.job_id, t.reason, t.claimed_by, t.lease_until, i.ordinal, i.external_id,
                       i.prompt, i.response
                FROM relabel.task t JOIN relabel.item i ON i.id = t.item_id WHERE t.id = ?""")
        .param(taskId)
        .query(
            (rs, row) ->
                new HumanTask(
                    rs.getObject("id", UUID.class),
                    rs.getObject("claim_id", UUID.class),
                    rs.getObject("job_id", UUID.class),
                    rs.getInt("ordinal"),
                    rs.getString("external_id"),
                    rs.getString("prompt"),
                    rs.getString("response"),
                    rs.getString("reason"),
                    rs.getString("claimed_by"),
                    rs.getTimestamp("lease_until").toInstant(),
                    null))
        .optional()
        .map(this::withProgress);
  }

  private HumanTask withProgress(HumanTask task) {
    return new HumanTask(
        task.taskId(),
        task.claimId(),
        task.jobId(),
        task.ordinal(),
        task.externalId(),
        task.prompt(),
        task.response(),
        task.reason(),
        task.labeller(),
        task.leaseExpiresAt(),
        items.progress(task.jobId()));
  }
}
