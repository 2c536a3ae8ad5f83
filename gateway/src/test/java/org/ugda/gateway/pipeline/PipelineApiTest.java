package org.ugda.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.gateway.pipeline.PipelineStore.PlannedStep;
import org.ugda.testsupport.Http;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * The runs API's contract on a real PostgreSQL: what a run is planned as, and what bad input gets
 * (a 400 problem+json that says what to fix, and no row). The services are not running here (their
 * URLs point at a closed port): a submitted run then waits for them, which is all these tests need;
 * the pipeline itself runs end to end in the standalone module's {@code PipelineEndToEndTest}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class PipelineApiTest {
  private static final TestDatabase DB = TestDatabase.shared();
  private static final String ADMIN_KEY = "pipeline-api-admin-key-0123456789abcdef";
  private final Http http;

  PipelineApiTest(@LocalServerPort int port) {
    this.http = new Http(port).withKey(ADMIN_KEY);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    DB.register(registry);
    for (String s : new String[] {"reward", "policy", "selection", "relabel"}) {
      registry.add("ugda.services." + s + "-url", () -> "http://localhost:9");
    }
    registry.add("ugda.pipeline.storage-root", () -> "target/pipeline-api-storage");
    registry.add("ugda.gateway.admin-key", () -> ADMIN_KEY);
  }

  private static long runs() {
    try (Connection c = DriverManager.getConnection(DB.url(), DB.username(), DB.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM gateway.run")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"method\": \"dpo\"}",
        "{\"method\": \"ugda\", \"budget\": 0}",
        "{\"method\": \"ugda\", \"budget\": 1.5}",
        "{\"method\": \"ppo\", \"expert\": \"oracle\"}",
        "{\"method\": \"ppo\", \"preset\": \"huge\"}",
        "{\"method\": \"ppo\", \"prompts\": 0}",
        "{\"method\": \"ppo\", \"ensemble\": {\"members\": 1}}",
        "{\"method\": \"ppo\", \"selection\": {\"gamma\": 2}}",
        "{\"method\": [\"ppo\"]}",
        "{\"method\": \"ppo\", \"seed\": \"three\"}",
        "{\"method\": \"ppo\", \"ppo\": {\"batchSize\": -4}}",
        "{\"method\": \"ppo\",",
        "not json at all"
      })
  void badInputIsA400ThatSaysWhatToFixAndStoresNothing(String body) {
    long before = runs();
    Http.Response r = http.post("/api/runs", body, null);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).isNotBlank();
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void aHostileNameIsStoredAsTextAndAnOversizedOneRefused() {
    String hostile = "<img src=x onerror=\"window.__pwned=1\">";
    Http.Response ok =
        http.post(
            "/api/runs",
            Http.JSON.writeValueAsString(Map.of("method", "sft", "name", hostile)),
            "hostile-" + System.nanoTime());
    assertThat(ok.status()).as(ok.body()).isEqualTo(202);
    assertThat(ok.json().get("name").asString()).isEqualTo(hostile);
    long before = runs();
    Http.Response big = http.post("/api/runs", Map.of("method", "sft", "name", "x".repeat(5000)));
    assertThat(big.status()).isEqualTo(400);
    assertThat(big.body()).doesNotContain("x".repeat(300));
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void theSameKeyReplaysTheRunAndAnotherBodyUnderItIsAConflict() {
    String key = "replay-" + System.nanoTime();
    Http.Response first = http.post("/api/runs", "{\"method\": \"sft\", \"seed\": 5}", key);
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.header("Location")).endsWith("/api/runs/" + first.json().get("id").asString());
    Http.Response again = http.post("/api/runs", "{\"method\": \"sft\", \"seed\": 5}", key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    Http.Response other = http.post("/api/runs", "{\"method\": \"sft\", \"seed\": 6}", key);
    assertThat(other.status()).isEqualTo(409);
  }

  private JsonNode awaitState(String id, String... states) {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    JsonNode run = http.get("/api/runs/" + id).json();
    while (!java.util.List.of(states).contains(run.get("state").asString())) {
      assertThat(System.nanoTime()).as(run.toString()).isLessThan(end);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      run = http.get("/api/runs/" + id).json();
    }
    return run;
  }

  /**
   * A failed step keeps the reason in words and is retried by resuming the run: here the world's
   * prompts are missing, so the sft evaluation fails again, as its second attempt.
   */
  @Test
  void aFailedStepSaysWhyAndAResumeRetriesItAsItsNextAttempt() {
    Http.Response r = http.post("/api/runs", Map.of("method", "sft", "seed", 11));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().get("id").asString();
    JsonNode failed = awaitState(id, "FAILED");
    JsonNode step = failed.get("steps").get(0);
    assertThat(step.get("state").asString()).isEqualTo("FAILED");
    assertThat(step.get("error").asString())
        .contains("eval-prompts.jsonl", "./ugda world generate");
    assertThat(failed.get("currentStep").asString()).isEqualTo("evaluate");
    Http.Response resumed = http.post("/api/runs/" + id + "/resume", "{}", null);
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
    JsonNode again = awaitState(id, "FAILED");
    assertThat(again.get("steps").get(0).get("outputs").get("attempt").asInt()).isEqualTo(2);
    assertThat(http.post("/api/runs/" + id + "/cancel", "{}", null).status()).isEqualTo(409);
  }

  /** A run waiting for a service that is down can be cancelled; it is not resumed by itself. */
  @Test
  void aRunWaitingForADownServiceCanBeCancelled() {
    Http.Response r = http.post("/api/runs", Map.of("method", "ppo", "seed", 12, "budget", 0));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().get("id").asString();
    awaitState(id, "RUNNING");
    Http.Response cancel = http.post("/api/runs/" + id + "/cancel", "{}", null);
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    JsonNode done = awaitState(id, "CANCELLED");
    assertThat(done.get("steps").get(0).get("state").asString()).isEqualTo("PENDING");
  }

  @Test
  void unknownRunsAre404() {
    assertThat(http.get("/api/runs/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/not-a-uuid").status()).isEqualTo(400);
  }

  @Test
  void theStepsFollowTheMethodAndTheBudget() {
    assertThat(
            names(
                new PipelineRequest(
                    null,
                    Method.SFT,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null)))
        .containsExactly("evaluate");
    assertThat(names(request(Method.PPO, 0.0))).containsExactly("ensemble", "ppo", "evaluate");
    assertThat(names(request(Method.UGDA, null)))
        .containsExactly(
            "ensemble", "ppo", "select", "relabel", "refine", "ppo-refined", "evaluate");
    // ppo and lcb of one seed share the ensemble, not the PPO run; rlr and ugda-ra share all
    var ppo = PipelineService.plan(Presets.resolve(request(Method.PPO, 0.0)));
    var lcb = PipelineService.plan(Presets.resolve(request(Method.LCB, 0.0)));
    assertThat(ppo.get(0).fingerprint()).isEqualTo(lcb.get(0).fingerprint());
    assertThat(ppo.get(1).fingerprint()).isNotEqualTo(lcb.get(1).fingerprint());
    var rlr = PipelineService.plan(Presets.resolve(request(Method.RLR, null)));
    var ra = PipelineService.plan(Presets.resolve(request(Method.UGDA_RA, null)));
    assertThat(rlr.stream().map(PlannedStep::fingerprint).toList())
        .isEqualTo(ra.stream().map(PlannedStep::fingerprint).toList());
    var ugda = PipelineService.plan(Presets.resolve(request(Method.UGDA, null)));
    assertThat(ugda.get(2).fingerprint()).isNotEqualTo(ra.get(2).fingerprint());
  }

  @Test
  void aFieldLeftOutAndTheSameFieldSentAsNullAreOneRequest() {
    String key = "null-fields-" + System.nanoTime();
    Http.Response first = http.post("/api/runs", "{\"method\":\"sft\",\"preset\":\"tiny\"}", key);
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    Http.Response again =
        http.post(
            "/api/runs",
            "{\"method\":\"sft\",\"preset\":\"tiny\",\"judge\":null,\"tags\":null}",
            key);
    assertThat(again.status()).as(again.body()).isEqualTo(202);
    assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
    Http.Response other =
        http.post("/api/runs", "{\"method\":\"sft\",\"preset\":\"tiny\",\"judge\":true}", key);
    assertThat(other.status()).isEqualTo(409);
  }

  @Test
  void aRequestStoredByAnEarlierVersionIsStillRecognisedOnReplay() {
    // what the versions before 2026-12-04 fingerprinted for {"method":"ppo","budget":0,"seed":1}:
    // every field of that version's request, nulls written out
    String old =
        "{\"name\":null,\"method\":\"ppo\",\"budget\":0.0,\"seed\":1,\"expert\":null,"
            + "\"preset\":null,\"trainPairs\":null,\"testPairs\":null,\"prompts\":null,"
            + "\"evalPrompts\":null,\"ensemble\":null,\"ppo\":null,\"selection\":null,"
            + "\"refine\":null}";
    PipelineRequest given =
        new PipelineRequest(
            null,
            Method.PPO,
            0.0,
            1L,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(PipelineService.legacyFingerprints(given))
        .contains(org.ugda.support.idempotency.IdempotencyKeys.fingerprint(old));
    // a request that sets a field those versions did not have was never stored by them
    PipelineRequest judged =
        new PipelineRequest(
            null,
            Method.PPO,
            0.0,
            1L,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            true,
            null);
    assertThat(PipelineService.legacyFingerprints(judged)).hasSize(1);
  }

  @Test
  void tagsAndReuseGroupRunsWithoutChangingWhatTheyCompute() {
    PipelineRequest plain = request(Method.UGDA, null);
    PipelineRequest tagged =
        new PipelineRequest(
            null,
            Method.UGDA,
            null,
            1L,
            null,
            "tiny",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            java.util.Map.of("experiment", "e1", "noise", "clean"));
    assertThat(PipelineService.plan(Presets.resolve(tagged)))
        .isEqualTo(PipelineService.plan(Presets.resolve(plain)));
    assertThat(Presets.resolve(plain).reuse()).isTrue();
    assertThat(Presets.resolve(tagged).reuse()).isFalse();
    assertThat(Presets.resolve(tagged).tags()).containsEntry("experiment", "e1");
    for (String body :
        java.util.List.of(
            "{\"method\":\"ppo\",\"tags\":{\"Bad Key\":\"x\"}}",
            "{\"method\":\"ppo\",\"tags\":{\"k\":\"" + "v".repeat(201) + "\"}}")) {
      Http.Response r = http.post("/api/runs", body, null);
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.body()).contains("tags");
    }
  }

  private static PipelineRequest request(Method m, Double budget) {
    return new PipelineRequest(
        null, m, budget, 1L, null, "tiny", null, null, null, null, null, null, null, null, null,
        null, null);
  }

  private static java.util.List<String> names(PipelineRequest r) {
    return PipelineService.plan(Presets.resolve(r)).stream().map(PlannedStep::name).toList();
  }
}
