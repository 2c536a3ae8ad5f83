package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.api.job.Jobs;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.JobBodies;
import org.ugda.reward.support.RewardServer;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * The idempotency-key rule on job-creating POSTs: a retry with the same key and body returns the
 * first job and says it is a replay; the key with another body, or for another kind of job, is a
 * 409; a malformed key is a 400. Only the first request writes a row.
 */
class JobIdempotencyHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  // its jobs run 50 epochs on purpose, to be long enough to cancel or replay
  @RegisterExtension
  static final RewardServer SERVER = new RewardServer(DB, "--ugda.reward.limits.max-epochs=50");

  static final Http http = SERVER.http();

  static String train(int epochs) {
    return Http.JSON.writeValueAsString(
        JobBodies.trainOnWorldPairs(Map.of("epochs", epochs, "batchSize", 4)));
  }

  static long jobRows() throws Exception {
    try (Connection c = DB.connect();
        ResultSet rs = c.createStatement().executeQuery("select count(*) from reward.jobs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void shouldReplayARetryWithTheSameKeyAndRefuseTheKeyForAnotherRequest() throws Exception {
    String id = http.createEnsemble("keys", 2);
    String path = "/v1/ensembles/" + id + "/train";

    Http.Response first = http.post(path, train(50), "key-1");
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.header(Jobs.REPLAYED)).isNull();
    String jobId = first.json().get("id").asString();
    assertThat(first.json().get("kind").asString()).isEqualTo("TRAIN");

    Http.Response retry = http.post(path, train(50), "key-1");
    assertThat(retry.status()).as(retry.body()).isEqualTo(202);
    assertThat(retry.json().get("id").asString()).isEqualTo(jobId);
    assertThat(retry.header(Jobs.REPLAYED)).isEqualTo("true");

    Http.Response other = http.post(path, train(49), "key-1");
    assertThat(other.status()).as(other.body()).isEqualTo(409);
    assertThat(other.json().get("detail").asString())
        .contains("was used for another request (job " + jobId + ")");

    String refine =
        Http.JSON.writeValueAsString(
            Map.of(
                "labels",
                List.of(Map.of("prompt", "p", "response", "r", "label", 3)),
                "logRewards",
                List.of(List.of(0.1, 0.2), List.of(0.3, 0.4))));
    Http.Response otherKind = http.post("/v1/ensembles/" + id + "/refine", refine, "key-1");
    assertThat(otherKind.status()).as(otherKind.body()).isEqualTo(409);

    Http.Response badKey = http.post(path, train(50), "two words");
    assertThat(badKey.status()).as(badKey.body()).isEqualTo(400);
    assertThat(badKey.json().get("detail").asString()).contains(Jobs.IDEMPOTENCY_KEY);

    assertThat(jobRows()).as("only the first request wrote a job").isEqualTo(1);
    http.post("/v1/jobs/" + jobId + "/cancel", Map.of());
    JsonNode done = http.awaitJob(jobId, Duration.ofMinutes(1));
    assertThat(done.get("state").asString()).isEqualTo("CANCELLED");
  }
}
