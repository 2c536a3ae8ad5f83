package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ugda.relabel.support.Items.item;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.ugda.api.job.JobState;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.RelabelServiceHttpTest;
import org.ugda.testsupport.OpenAiStub;

/**
 * The LLM key (here a mounted "Secret" file) is used, and never returned by an endpoint, shown in
 * an error, or logged, even when the provider echoes it back in an error message.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeySecrecyHttpTest extends RelabelServiceHttpTest {

  @Test
  void shouldUseTheKeyButNeverReturnOrLogIt(CapturedOutput output) {
    String run = runId();
    RelabelJob job =
        settledJob(
            "openai",
            item("secret " + run, "x " + run + " #stub:ok:4"),
            item("secret " + run, "y " + run + " #stub:unauthorized"));

    // the key was sent, and the provider's 401 echoed it back
    assertThat(STUB.requests(run))
        .extracting(OpenAiStub.Request::authorization)
        .containsOnly("Bearer " + API_KEY);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.message())
        .contains(
            "HTTP 401",
            "Incorrect API key provided: [redacted]",
            "check ugda.relabel.judge.base-url, model and the API key");
    String tail = API_KEY.substring(API_KEY.length() - 12);
    for (String path :
        List.of(
            "/v1/relabel/jobs/" + job.id(),
            "/v1/relabel/jobs/" + job.id() + "/labels",
            "/actuator/health",
            "/actuator/health/readiness",
            "/actuator/prometheus",
            "/actuator/info",
            "/v3/api-docs",
            "/label?labeller=auditor",
            "/v1/relabel/jobs/not-a-uuid")) {
      Reply reply = get(path);
      assertThat(reply.status()).as(path).isLessThan(500);
      assertThat(reply.body()).as(path).doesNotContain(API_KEY).doesNotContain(tail);
    }
    for (String path :
        List.of(
            "/actuator/env",
            "/actuator/configprops",
            "/actuator/heapdump",
            "/actuator/env/ugda.relabel.judge.api-key-file")) {
      Reply reply = get(path);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.body()).as(path).doesNotContain(API_KEY);
    }
    Reply problem = post("/v1/relabel/jobs/" + job.id() + "/resume", "");
    assertThat(problem.body()).doesNotContain(API_KEY).doesNotContain(tail);
    assertThat(output.getAll()).doesNotContain(API_KEY).doesNotContain(tail);
  }
}
