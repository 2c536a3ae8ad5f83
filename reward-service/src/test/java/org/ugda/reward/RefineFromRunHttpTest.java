package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardApp;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * Refine with the interaction log's rewards fetched from policy-service by run id, over real HTTP
 * against a stand-in policy-service; and a clear failure when it cannot be reached.
 */
class RefineFromRunHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @Test
  void shouldFetchTheRunsRewardDistributionFromPolicyService() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer policy = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    policy.createContext(
        "/v1/runs/",
        ex -> {
          asked.add(ex.getRequestURI().toString());
          byte[] body =
              "{\"members\": [[-1.0, -0.5, 0.0, 0.5, 1.0, 1.5], [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]]}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    policy.start();
    ConfigurableApplicationContext app =
        RewardApp.start(
            DB, "--ugda.services.policy-url=http://localhost:" + policy.getAddress().getPort());
    try {
      Http http = RewardApp.http(app);
      String id = http.createEnsemble("from-run", 2);
      List<Map<String, Object>> labels =
          List.of(
              Map.of("prompt", "what is 2 plus 2 ?", "response", "2 plus 2 is 4 .", "label", 5),
              Map.of("prompt", "what is 2 plus 2 ?", "response", "2 plus 2 is 9 .", "label", 1));
      Map<String, Object> training = Map.of("epochs", 20, "batchSize", 2, "learningRate", 1e-2);
      JsonNode job =
          http.post(
                  "/v1/ensembles/" + id + "/refine",
                  Map.of("labels", labels, "runId", "run-42", "sigma", 0.0, "training", training))
              .json();
      JsonNode done = http.awaitJob(job.get("id").asString(), Duration.ofMinutes(3));
      assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0)).startsWith("/v1/runs/run-42/rewards?ensemble=" + id + "&version=1");
      JsonNode member1 = done.get("result").get("members").get(1);
      // member 1's log is -2..3: label 5 -> its max (3.0), label 1 -> its 20th percentile (-1.0)
      assertThat(member1.get("quantiles").get(4).asDouble()).isEqualTo(3.0);
      assertThat(member1.get("quantiles").get(0).asDouble()).isEqualTo(-1.0);
      assertThat(member1.get("mseAfter").asDouble())
          .isLessThan(member1.get("mseBefore").asDouble());

      policy.stop(0);
      JsonNode lost =
          http.post(
                  "/v1/ensembles/" + id + "/refine",
                  Map.of("labels", labels, "runId", "run-43", "training", training))
              .json();
      JsonNode failed = http.awaitJob(lost.get("id").asString(), Duration.ofMinutes(1));
      assertThat(failed.get("state").asString()).isEqualTo("FAILED");
      assertThat(failed.get("error").asString())
          .contains("cannot fetch run run-43 from policy-service");
      assertThat(http.get("/v1/ensembles/" + id + "/versions").json().size()).isEqualTo(2);
    } finally {
      app.close();
      policy.stop(0);
    }
  }
}
