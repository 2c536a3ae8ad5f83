package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardApp;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/** A job cut off by a restart is reported INTERRUPTED and, resumed, makes exactly one version. */
class JobRestartHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  static ConfigurableApplicationContext start() {
    return RewardApp.start(DB);
  }

  static Http http(ConfigurableApplicationContext c) {
    return RewardApp.http(c);
  }

  @Test
  void shouldReportAnInterruptedJobAndResumeItIntoOneVersion() throws Exception {
    ConfigurableApplicationContext app = start();
    Http http = http(app);
    String id = http.createEnsemble("restart", 2);
    Map<String, Object> body = JobBodies.trainOnWorldPairs(Map.of("epochs", 6, "batchSize", 4));
    JsonNode job = http.post("/v1/ensembles/" + id + "/train", body).json();
    String jobId = job.get("id").asString();
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (http.get("/v1/jobs/" + jobId).json().get("progress").asDouble() <= 0
        && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(http.get("/v1/jobs/" + jobId).json().get("state").asString()).isEqualTo("RUNNING");
    app.close();

    app = start();
    http = http(app);
    JsonNode after = http.get("/v1/jobs/" + jobId).json();
    assertThat(after.get("state").asString()).isEqualTo("INTERRUPTED");
    assertThat(after.get("error").asString()).contains("/resume");
    assertThat(http.get("/v1/ensembles/" + id + "/versions").json().size())
        .as("no half-made version")
        .isEqualTo(1);

    Http.Response cancelBad = http.post("/v1/jobs/" + jobId + "/cancel", Map.of());
    assertThat(cancelBad.status()).isEqualTo(409);
    Http.Response resumed = http.post("/v1/jobs/" + jobId + "/resume", Map.of());
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
    // the resumed job is cancelled part-way: CANCELLED, still no new version
    Thread.sleep(500);
    http.post("/v1/jobs/" + jobId + "/cancel", Map.of());
    JsonNode cancelled = http.awaitJob(jobId, Duration.ofMinutes(2));
    assertThat(cancelled.get("state").asString()).isIn("CANCELLED", "SUCCEEDED");
    if (cancelled.get("state").asString().equals("CANCELLED")) {
      assertThat(http.get("/v1/ensembles/" + id + "/versions").json().size()).isEqualTo(1);
      Http.Response again = http.post("/v1/jobs/" + jobId + "/resume", Map.of());
      assertThat(again.status()).as("a cancelled job stays cancelled").isEqualTo(409);
    }
    app.close();
  }
}
