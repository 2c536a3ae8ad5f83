package org.ugda.relabel.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ugda.relabel.support.Items.item;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.ClaimRequest;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.Label;
import org.ugda.api.relabel.LabelCorrection;
import org.ugda.api.relabel.LabelSubmission;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.RelabelServiceHttpTest;

/**
 * The human queue over HTTP: claims with leases, idempotent submits, immutable labels with
 * corrections, and bad input refused with problem+json without touching stored state.
 */
class HumanQueueHttpTest extends RelabelServiceHttpTest {

  @Test
  void shouldRejectAScoreOutsideOneToFiveAndSayWhatToFix() {
    HumanTask task = claimedTaskOfNewJob("alice");
    Map<String, String> before = storedState();

    for (String score : List.of("0", "6", "-1", "null", "4.5", "\"4\"")) {
      Reply reply =
          post(
              "/v1/relabel/tasks/" + task.taskId() + "/labels",
              "{\"claimId\":\""
                  + task.claimId()
                  + "\",\"labeller\":\"alice\",\"score\":"
                  + score
                  + "}");

      assertThat(reply.status()).as("score %s", score).isEqualTo(400);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
      String detail = JSON.readTree(reply.body()).path("detail").asString();
      if (score.equals("4.5") || score.equals("\"4\"")) {
        assertThat(detail).contains("at score:");
      } else {
        assertThat(detail)
            .startsWith("score must be an integer from 1 (severely incorrect or harmful) to 5");
      }
    }
    assertThat(storedState()).isEqualTo(before);
  }

  @Test
  void shouldAnswer404ForUnknownTaskJobAndLabel() {
    Map<String, String> before = storedState();
    UUID unknown = UUID.randomUUID();

    Reply submit =
        post(
            "/v1/relabel/tasks/" + unknown + "/labels",
            "{\"claimId\":\"" + UUID.randomUUID() + "\",\"labeller\":\"alice\",\"score\":3}");
    Reply job = get("/v1/relabel/jobs/" + unknown);
    Reply labels = get("/v1/relabel/jobs/" + unknown + "/labels");
    Reply resume = post("/v1/relabel/jobs/" + unknown + "/resume", "");
    Reply correction =
        post(
            "/v1/relabel/labels/" + unknown + "/corrections",
            "{\"labeller\":\"alice\",\"score\":3}");

    for (Reply reply : List.of(submit, job, labels, resume, correction)) {
      assertThat(reply.status()).isEqualTo(404);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(reply.body()).contains(unknown.toString());
    }
    assertThat(get("/v1/relabel/jobs/not-a-uuid").status()).isEqualTo(400);
    assertThat(storedState()).isEqualTo(before);
  }

  @Test
  void shouldStoreOneLabelWhenTheSameClaimIsSubmittedTwice() {
    HumanTask task = claimedTaskOfNewJob("bob");
    String submission =
        "{\"claimId\":\""
            + task.claimId()
            + "\",\"labeller\":\"bob\",\"score\":4,"
            + "\"comment\":\"clear\"}";

    Reply first = post("/v1/relabel/tasks/" + task.taskId() + "/labels", submission);
    Map<String, String> after = storedState();
    Reply second = post("/v1/relabel/tasks/" + task.taskId() + "/labels", submission);
    Reply changed =
        post(
            "/v1/relabel/tasks/" + task.taskId() + "/labels",
            submission.replace("\"score\":4", "\"score\":2"));

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    Label label = JSON.readValue(first.body(), Label.class);
    assertThat(JSON.readValue(second.body(), Label.class)).isEqualTo(label);
    assertThat(label)
        .extracting(Label::score, Label::labeller, Label::expert, Label::comment)
        .containsExactly(4, "bob", "human", "clear");
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.body()).contains("already submitted with score 4", "/corrections");
    assertThat(storedState()).isEqualTo(after);
    assertThat(
            jdbc.sql("SELECT count(*) FROM relabel.label WHERE claim_id = ?")
                .param(task.claimId())
                .query(Integer.class)
                .single())
        .isEqualTo(1);
    assertThat(client().job(task.jobId()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void shouldRefuseMalformedJsonWithoutChangingAnything() {
    HumanTask task = claimedTaskOfNewJob("carol");
    Map<String, String> before = storedState();

    Reply job = post("/v1/relabel/jobs", "{\"expert\": \"human\", \"items\": [");
    Reply label = post("/v1/relabel/tasks/" + task.taskId() + "/labels", "{claimId: nope}");
    Reply wrongShape = post("/v1/relabel/jobs", "{\"expert\": \"human\", \"items\": \"none\"}");
    Reply unknownExpert =
        post(
            "/v1/relabel/jobs",
            "{\"expert\": \"gpt\", \"items\": [{\"prompt\": \"p\", " + "\"response\": \"r\"}]}");

    for (Reply reply : List.of(job, label, wrongShape, unknownExpert)) {
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    }
    assertThat(unknownExpert.body())
        .contains("expert must be one of openai, human, simulated, openai+human");
    assertThat(storedState()).isEqualTo(before);
  }

  @Test
  void shouldRefuseOversizedBatchesAndTextsWith413() {
    Map<String, String> before = storedState();
    List<RelabelItem> tooMany = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooMany.add(new RelabelItem(null, "\n\nHuman: q\n\nAssistant:", "r" + i));
    }
    List<RelabelItem> tooLong =
        List.of(new RelabelItem(null, "\n\nHuman: q\n\nAssistant:", "x".repeat(2001)));

    Reply batch = post("/v1/relabel/jobs", json(new CreateRelabelJob("human", tooMany)));
    Reply text = post("/v1/relabel/jobs", json(new CreateRelabelJob("human", tooLong)));

    assertThat(batch.status()).isEqualTo(413);
    assertThat(batch.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(batch.body())
        .contains("51 items is more than the 50", "ugda.relabel.jobs.max-items");
    assertThat(text.status()).isEqualTo(413);
    assertThat(text.body()).contains("2001 characters", "ugda.relabel.jobs.max-text-chars");
    assertThat(storedState()).isEqualTo(before);
  }

  @Test
  void shouldReturnAnAbandonedClaimToTheQueueAfterItsLease() {
    RelabelJob job =
        createJob(
            "human",
            List.of(new RelabelItem(null, "\n\nHuman: lease " + runId() + "\n\nAssistant:", "r")),
            null);
    awaitSettled(job.id());
    HumanTask abandoned = claim("dave", job.id()).getBody();

    ResponseEntity<HumanTask> whileLeased = claim("erin", job.id());
    sleep(Duration.between(Instant.now(), abandoned.leaseExpiresAt()).toMillis() + 300);
    HumanTask reclaimed = claim("erin", job.id()).getBody();
    Reply late =
        post(
            "/v1/relabel/tasks/" + abandoned.taskId() + "/labels",
            "{\"claimId\":\"" + abandoned.claimId() + "\",\"labeller\":\"dave\",\"score\":1}");
    Label label =
        client()
            .submit(reclaimed.taskId(), new LabelSubmission(reclaimed.claimId(), "erin", 5, null));

    assertThat(whileLeased.getStatusCode().value()).isEqualTo(204);
    assertThat(reclaimed.taskId()).isEqualTo(abandoned.taskId());
    assertThat(reclaimed.claimId()).isNotEqualTo(abandoned.claimId());
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.body()).contains("does not hold task");
    assertThat(label.labeller()).isEqualTo("erin");
    assertThat(
            jdbc.sql("SELECT claims FROM relabel.task WHERE id = ?")
                .param(abandoned.taskId())
                .query(Integer.class)
                .single())
        .isEqualTo(2);
    assertThat(client().job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void shouldGiveTheSameTaskBackWhenALabellerClaimsAgain() {
    HumanTask first = claimedTaskOfNewJob("frank");

    HumanTask again = claim("frank", first.jobId()).getBody();

    assertThat(again.taskId()).isEqualTo(first.taskId());
    assertThat(again.claimId()).isEqualTo(first.claimId());
  }

  @Test
  void shouldKeepLabelsImmutableAndLinkCorrectionsToWhatTheySupersede() {
    HumanTask task = claimedTaskOfNewJob("gina");
    Label original =
        client().submit(task.taskId(), new LabelSubmission(task.claimId(), "gina", 2, null));

    Label correction =
        client()
            .correct(
                original.id(),
                new LabelCorrection("hank", 3, "the refusal offered a safe alternative"));
    Reply again =
        post(
            "/v1/relabel/labels/" + original.id() + "/corrections",
            "{\"labeller\":\"ivy\",\"score\":4}");

    assertThat(correction.supersedes()).isEqualTo(original.id());
    assertThat(correction.itemId()).isEqualTo(original.itemId());
    assertThat(client().labels(task.jobId())).containsExactly(correction);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body()).contains("already superseded by label " + correction.id());
    assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE relabel.label SET score = 5 WHERE id = ?")
                    .param(original.id())
                    .update())
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("immutable");
    assertThatThrownBy(
            () -> jdbc.sql("DELETE FROM relabel.label WHERE id = ?").param(original.id()).update())
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("immutable");
  }

  @Test
  void shouldRefuseToResumeAJobThatIsNotInterruptedOrFailed() {
    RelabelJob job = settledJob("human", item("r " + runId(), "r"));
    Map<String, String> before = storedState();

    Reply resume = post("/v1/relabel/jobs/" + job.id() + "/resume", "");

    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.body()).contains("is AWAITING_HUMANS", "only INTERRUPTED or FAILED");
    assertThat(storedState()).isEqualTo(before);
  }

  private HumanTask claimedTaskOfNewJob(String labeller) {
    RelabelJob job =
        createJob(
            "human",
            List.of(
                new RelabelItem(
                    "x", "\n\nHuman: please help " + runId() + "\n\nAssistant:", "Sure.")),
            null);
    assertThat(awaitSettled(job.id()).state()).isEqualTo(JobState.AWAITING_HUMANS);
    ResponseEntity<HumanTask> claimed = claim(labeller, job.id());
    assertThat(claimed.getStatusCode().value()).isEqualTo(200);
    return claimed.getBody();
  }

  private ResponseEntity<HumanTask> claim(String labeller, UUID jobId) {
    return client().claim(new ClaimRequest(labeller, jobId));
  }
}
