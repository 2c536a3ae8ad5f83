package org.ugda.relabel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.RelabelServiceHttpTest;

/**
 * Opening the labelling page never claims a task (a GET changes nothing, so a link preview, a
 * prefetch or a reload cannot take work from the queue); the page's claim button, a POST, does.
 */
class LabelPageClaimHttpTest extends RelabelServiceHttpTest {

  @Test
  void shouldClaimOnlyWhenThePageIsPostedNotWhenItIsOpened() {
    String run = runId();
    RelabelJob job =
        createJob(
            "human",
            List.of(new RelabelItem("only", "\n\nHuman: hi " + run + "\n\nAssistant:", "hello .")),
            null);
    awaitSettled(job.id());
    String page = "/label?labeller=dora&job=" + job.id();

    Reply opened = get(page);
    Reply reopened = get(page);

    assertThat(opened.status()).isEqualTo(200);
    assertThat(opened.body()).contains("id=\"claim\"", "name=\"claim\" value=\"next\"");
    assertThat(reopened.body()).doesNotContain("id=\"prompt\"");
    assertThat(claimsOf(job)).isZero();

    Reply claimed = postForm("/label", "claim=next&labeller=dora&job=" + job.id());

    assertThat(claimed.status()).isEqualTo(303);
    assertThat(claimed.header("Location")).isEqualTo("label?labeller=dora&job=" + job.id());
    assertThat(claimsOf(job)).isEqualTo(1);
    Reply shown = get(page);
    assertThat(shown.body()).contains("id=\"prompt\"", "hi " + run);
    assertThat(get(page).body()).contains("hi " + run);
    assertThat(claimsOf(job)).isEqualTo(1);
  }

  private int claimsOf(RelabelJob job) {
    return jdbc.sql("SELECT coalesce(sum(claims), 0) FROM relabel.task WHERE job_id = ?")
        .param(job.id())
        .query(Integer.class)
        .single();
  }
}
