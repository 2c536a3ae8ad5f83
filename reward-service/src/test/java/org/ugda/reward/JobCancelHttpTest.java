package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardServer;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * A cancel accepted at any moment of a job's start (still queued, just starting, running) ends the
 * job CANCELLED with no new version: the job's state changes under its row lock, so a job starting
 * at the same moment cannot overwrite the cancel and then run to the end.
 */
class JobCancelHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  // its jobs run 50 epochs on purpose, to be long enough to cancel or replay
  @RegisterExtension
  static final RewardServer SERVER = new RewardServer(DB, "--ugda.reward.limits.max-epochs=50");

  static final Http http = SERVER.http();

  @Test
  void shouldEndEveryCancelledJobCancelledWhenItWasCancelled() throws Exception {
    String id = http.createEnsemble("cancel", 2);
    // long enough that no job could finish before its cancel arrives
    Map<String, Object> body = JobBodies.trainOnWorldPairs(Map.of("epochs", 50, "batchSize", 4));
    for (int i = 0; i < 12; i++) {
      String jobId = http.post("/v1/ensembles/" + id + "/train", body).json().get("id").asString();
      Thread.sleep(i * 15L); // cancel while queued, as it starts, and once it runs
      Http.Response cancel = http.post("/v1/jobs/" + jobId + "/cancel", Map.of());
      assertThat(cancel.status())
          .as("job %d: %s; job %s", i, cancel.body(), http.get("/v1/jobs/" + jobId).body())
          .isEqualTo(200);
      JsonNode done = http.awaitJob(jobId, Duration.ofMinutes(1));
      assertThat(done.get("state").asString()).as("job %d: %s", i, done).isEqualTo("CANCELLED");
    }
    assertThat(http.get("/v1/ensembles/" + id + "/versions").json().size())
        .as("no version from a cancelled job")
        .isEqualTo(1);
    String last = http.post("/v1/ensembles/" + id + "/train", body).json().get("id").asString();
    http.post("/v1/jobs/" + last + "/cancel", Map.of());
    http.awaitJob(last, Duration.ofMinutes(1));
    assertThat(http.post("/v1/jobs/" + last + "/cancel", Map.of()).status())
        .as("a cancelled job cannot be cancelled again")
        .isEqualTo(409);
  }
}
