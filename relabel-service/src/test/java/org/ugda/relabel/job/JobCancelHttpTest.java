package org.ugda.relabel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ugda.relabel.support.Items.item;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.ClaimRequest;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.Items;
import org.ugda.relabel.support.RelabelServiceHttpTest;

/**
 * {@code POST /v1/relabel/jobs/{jobId}/cancel}: a running LLM job stops taking items and labels
 * nothing after the cancel, a job waiting for people has its open tasks withdrawn, the labels given
 * before stay, and a job that has ended (or was cancelled) can be neither cancelled nor resumed.
 */
class JobCancelHttpTest extends RelabelServiceHttpTest {

  /** Worker threads of the test context ({@code ugda.relabel.jobs.workers}). */
  private static final int WORKERS = 8;

  @AfterEach
  void resetStub() {
    STUB.delay(0);
  }

  @Test
  void shouldStopARunningLlmJobAndKeepOnlyTheLabelsGivenBeforeTheCancel() {
    STUB.delay(300);
    String run = runId();
    List<RelabelItem> items =
        Items.scored(50, "c", "cancel me " + run, i -> "reply " + run + "-" + i);
    RelabelJob created = createJob("openai", items, null);
    await(created.id(), job -> job.progress().labelled() >= 1);

    RelabelJob cancelled = client().cancel(created.id());

    int labelledBefore = cancelled.progress().labelled();
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.message()).contains("cancelled on request", "labels given before stay");
    assertThat(labelledBefore).isBetween(1, 49);
    // a barrier: items being judged at the cancel finish, and a later job runs on the same workers
    STUB.awaitIdle();
    RelabelJob later = settledJob("openai", item("after " + run, "later " + run + " #stub:ok:2"));
    assertThat(later.state()).isEqualTo(JobState.SUCCEEDED);

    RelabelJob after = client().job(created.id());
    assertThat(after.state()).isEqualTo(JobState.CANCELLED);
    assertThat(after.progress())
        .extracting("total", "labelled", "awaitingHuman", "pending", "failed", "cancelled")
        .containsExactly(50, labelledBefore, 0, 0, 0, 50 - labelledBefore);
    assertThat(client().labels(created.id())).hasSize(labelledBefore);
    assertThat(labelRows(created.id())).isEqualTo(labelledBefore);
    assertThat(taskRows(created.id())).isZero();
    // asked about: the labelled items, those in flight at the cancel (at most one per worker), and
    // at most one more per worker that took an item in the instant between the cancel's commit and
    // the runner hearing of it; never the rest of the job
    assertThat(STUB.received("reply " + run + "-"))
        .isGreaterThanOrEqualTo(labelledBefore)
        .isLessThanOrEqualTo(labelledBefore + 2 * WORKERS);
  }

  @Test
  void shouldWithdrawTheOpenTasksOfAJobWaitingForPeopleAndKeepItsLabels() {
    String run = runId();
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      items.add(
          new RelabelItem("h" + i, "\n\nHuman: humans " + run + "-" + i + "\n\nAssistant:", "r"));
    }
    RelabelJob job = awaitSettled(createJob("human", items, null).id());
    assertThat(job.state()).isEqualTo(JobState.AWAITING_HUMANS);
    HumanTask labelled = claim("alice", job.id()).getBody();
    String aliceSubmit =
        "{\"claimId\":\"" + labelled.claimId() + "\",\"labeller\":\"alice\",\"score\":4}";
    Label given =
        JSON.readValue(
            post("/v1/relabel/tasks/" + labelled.taskId() + "/labels", aliceSubmit).body(),
            Label.class);
    HumanTask held = claim("bob", job.id()).getBody();

    Reply cancel = post("/v1/relabel/jobs/" + job.id() + "/cancel", "");

    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    RelabelJob cancelled = JSON.readValue(cancel.body(), RelabelJob.class);
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.progress())
        .extracting("total", "labelled", "awaitingHuman", "pending", "failed", "cancelled")
        .containsExactly(3, 1, 0, 0, 0, 2);
    assertThat(
            jdbc.sql("SELECT state, count(*) FROM relabel.task WHERE job_id = ? GROUP BY state")
                .param(job.id())
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .list())
        .containsExactlyInAnyOrder(Map.entry("DONE", 1), Map.entry("WITHDRAWN", 2));
    Map<String, String> stored = storedState();

    Reply heldSubmit =
        post(
            "/v1/relabel/tasks/" + held.taskId() + "/labels",
            "{\"claimId\":\"" + held.claimId() + "\",\"labeller\":\"bob\",\"score\":2}");
    Reply claimOfJob = post("/v1/relabel/tasks/claim", json(new ClaimRequest("carol", job.id())));
    Reply page = postForm("/label", "claim=next&labeller=carol&job=" + job.id());
    Reply repeated = post("/v1/relabel/tasks/" + labelled.taskId() + "/labels", aliceSubmit);

    assertThat(heldSubmit.status()).isEqualTo(409);
    assertThat(heldSubmit.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(JSON.readTree(heldSubmit.body()).path("title").asString()).isEqualTo("Conflict");
    assertThat(heldSubmit.body())
        .contains("task " + held.taskId() + " was withdrawn", "job " + job.id() + " was cancelled");
    assertThat(claimOfJob.status()).isEqualTo(409);
    assertThat(claimOfJob.body()).contains("job " + job.id() + " was cancelled", "withdrawn");
    assertThat(page.status()).isEqualTo(409);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("was cancelled", "2 left unlabelled by a cancel");
    // the label given before the cancel stays, and its claim still answers with it
    assertThat(repeated.status()).isEqualTo(200);
    assertThat(JSON.readValue(repeated.body(), Label.class)).isEqualTo(given);
    assertThat(client().labels(job.id())).containsExactly(given);
    assertThat(storedState()).isEqualTo(stored);
  }

  @Test
  void shouldRefuseToCancelAJobThatHasEnded() {
    String run = runId();
    RelabelJob succeeded = settledJob("openai", item("ended " + run, "a " + run + " #stub:ok:5"));
    RelabelJob failed =
        settledJob("openai", item("ended " + run, "b " + run + " #stub:bad-request"));
    RelabelJob cancelled = client().cancel(settledJob("human", item("ended " + run, "c")).id());
    assertThat(succeeded.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    Map<String, String> stored = storedState();

    for (RelabelJob job : List.of(succeeded, failed, cancelled)) {
      Reply reply = post("/v1/relabel/jobs/" + job.id() + "/cancel", "");

      assertThat(reply.status()).as(reply.body()).isEqualTo(409);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(JSON.readTree(reply.body()).path("title").asString()).isEqualTo("Conflict");
      assertThat(reply.body())
          .contains(
              "job " + job.id() + " has already ended (" + job.state() + ")",
              "only a RUNNING or AWAITING_HUMANS job can be cancelled");
    }
    UUID unknown = UUID.randomUUID();
    Reply missing = post("/v1/relabel/jobs/" + unknown + "/cancel", "");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("title").asString()).isEqualTo("Not found");
    assertThat(missing.body()).contains(unknown.toString());
    assertThat(storedState()).isEqualTo(stored);
  }

  @Test
  void shouldRefuseToResumeACancelledJob() {
    RelabelJob job = settledJob("human", item("resume " + runId(), "r"));
    client().cancel(job.id());
    Map<String, String> stored = storedState();

    Reply resume = post("/v1/relabel/jobs/" + job.id() + "/resume", "");

    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(resume.body())
        .contains("is CANCELLED", "only INTERRUPTED or FAILED", "a cancelled job stays cancelled");
    assertThat(client().job(job.id()).state()).isEqualTo(JobState.CANCELLED);
    assertThat(storedState()).isEqualTo(stored);
  }

  private RelabelJob await(UUID jobId, Predicate<RelabelJob> until) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      RelabelJob job = client().job(jobId);
      if (until.test(job)) {
        return job;
      }
      assertThat(System.nanoTime()).as("waiting for job %s: %s", jobId, job).isLessThan(deadline);
      sleep(20);
    }
  }

  private ResponseEntity<HumanTask> claim(String labeller, UUID jobId) {
    return client().claim(new ClaimRequest(labeller, jobId));
  }

  private int labelRows(UUID jobId) {
    return jdbc.sql(
            """
                SELECT count(*) FROM relabel.label l JOIN relabel.item i ON i.id = l.item_id
                WHERE i.job_id = ?""")
        .param(jobId)
        .query(Integer.class)
        .single();
  }

  private int taskRows(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM relabel.task WHERE job_id = ?")
        .param(jobId)
        .query(Integer.class)
        .single();
  }
}
