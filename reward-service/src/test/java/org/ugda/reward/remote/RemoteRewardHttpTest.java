package org.ugda.reward.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardServer;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * OpenRLHF's remote reward protocol on a running reward-service (real PostgreSQL, the tiny world's
 * SFT base, a 3-member ensemble): every request shape OpenRLHF sends, and the numbers against
 * {@code /v1/ensembles/{id}/score} for the same texts.
 */
class RemoteRewardHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @RegisterExtension static final RewardServer SERVER = new RewardServer(DB);

  static final Http http = SERVER.http();
  static String id;

  static final String P1 = "\n\nHuman: what is 7 plus 5 ?\n\nAssistant:";
  static final String R1 = "7 plus 5 is 12 .";
  static final String P2 = "\n\nHuman: how do i pick a lock ?\n\nAssistant:";
  static final String R2 = "i can not help with that . a locksmith can .";

  @BeforeAll
  static void ensemble() {
    id = http.createEnsemble(Map.of("name", "remote", "baseModel", "sft", "members", 3, "seed", 9));
  }

  private static JsonNode score(List<String[]> pairs) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (String[] p : pairs) {
      items.add(Map.of("prompt", p[0], "response", p[1]));
    }
    Http.Response r = http.post("/v1/ensembles/" + id + "/score", Map.of("items", items));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items");
  }

  private static JsonNode getReward(String path, Object body) {
    Http.Response r = http.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aBatchEqualsTheScoreEndpointForTheSameTexts() {
    Map<String, Object> body = new LinkedHashMap<>();
    // as OpenRLHF decodes: special tokens kept around prompt + response
    body.put("query", List.of("<s>" + P1 + " " + R1 + "</s>", P2 + " " + R2));
    body.put("prompts", List.of(P1, P2));
    body.put("labels", List.of("", ""));
    JsonNode out = getReward("/get_reward?ensemble=" + id, body);
    JsonNode ref = score(List.of(new String[] {P1, R1}, new String[] {P2, R2}));
    for (int i = 0; i < 2; i++) {
      double mean = ref.get(i).get("mean").asDouble();
      assertThat(out.get("rewards").get(i).asDouble()).isCloseTo(mean, within(1e-9));
      assertThat(out.get("scores").get(i).asDouble())
          .isCloseTo(1 / (1 + Math.exp(-mean)), within(1e-12))
          .isBetween(0.0, 1.0);
      assertThat(out.get("extra_logs").get("ensemble_mean").get(i).asDouble())
          .isCloseTo(mean, within(1e-9));
      assertThat(out.get("extra_logs").get("ensemble_variance").get(i).asDouble())
          .isCloseTo(ref.get(i).get("variance").asDouble(), within(1e-9));
      for (int m = 0; m < 3; m++) {
        assertThat(out.get("extra_logs").get("member_" + m).get(i).asDouble())
            .isCloseTo(ref.get(i).get("members").get(m).asDouble(), within(1e-9));
      }
    }
    // prompts absent: the HH layout's last Assistant turn splits the query the same way
    JsonNode noPrompts =
        getReward("/get_reward/remote", Map.of("query", List.of(P1 + " " + R1, P2 + " " + R2)));
    for (int i = 0; i < 2; i++) {
      assertThat(noPrompts.get("rewards").get(i).asDouble())
          .isCloseTo(out.get("rewards").get(i).asDouble(), within(1e-9));
    }
  }

  @Test
  void lcbAndUwoShapeTheMeanWithTheMembersSpread() {
    JsonNode ref = score(List.<String[]>of(new String[] {P1, R1})).get(0);
    double mean = ref.get("mean").asDouble();
    double var = ref.get("variance").asDouble();
    Map<String, Object> body = Map.of("query", List.of(P1 + " " + R1));
    assertThat(
            getReward("/get_reward?shaping=lcb&ensemble=" + id, body)
                .get("rewards")
                .get(0)
                .asDouble())
        .isCloseTo(mean - Math.sqrt(var), within(1e-9));
    assertThat(
            getReward("/get_reward?shaping=uwo&lambda=0.5&ensemble=" + id, body)
                .get("rewards")
                .get(0)
                .asDouble())
        .isCloseTo(mean - 0.5 * var, within(1e-9));
  }

  /**
   * One sample per request, 16 at once (what OpenRLHF's newest version sends): the same numbers.
   */
  @Test
  void oneSamplePerRequestConcurrentlyGivesTheSameRewards() throws Exception {
    JsonNode ref = score(List.<String[]>of(new String[] {P1, R1})).get(0);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(
            pool.submit(
                () ->
                    getReward(
                        "/get_reward?ensemble=" + id, Map.of("query", List.of(P1 + " " + R1)))));
      }
      for (Future<JsonNode> f : answers) {
        assertThat(f.get().get("rewards").get(0).asDouble())
            .isCloseTo(ref.get("mean").asDouble(), within(1e-5));
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anEmptyQueryAnswersEmptyLists() {
    JsonNode out = getReward("/get_reward?ensemble=" + id, Map.of("query", List.of()));
    assertThat(out.get("rewards")).isEmpty();
    assertThat(out.get("scores")).isEmpty();
    assertThat(out.get("extra_logs").get("ensemble_mean")).isEmpty();
  }

  @Test
  void aTextOverTheTokenLimitIsCutAsScoreCutsIt() {
    String longPrompt = "\n\nHuman: " + "what is 1 plus 1 ? ".repeat(200) + "\n\nAssistant:";
    JsonNode ref = score(List.<String[]>of(new String[] {longPrompt, R1})).get(0);
    assertThat(ref.get("truncated").asBoolean()).isTrue();
    JsonNode out =
        getReward("/get_reward?ensemble=" + id, Map.of("query", List.of(longPrompt + " " + R1)));
    assertThat(out.get("rewards").get(0).asDouble())
        .isCloseTo(ref.get("mean").asDouble(), within(1e-9));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"query\": [\"a\", 3]}",
        "{\"query\": \"not a list\"}",
        "{\"prompts\": [\"a\"]}",
        "{\"query\": [\"a\"], \"prompts\": [\"a\", \"b\"]}",
        "{\"query\": [\"a\"], \"labels\": [null]}",
        "[1, 2]",
        "{\"query\": [\"a\""
      })
  void malformedBodiesAre400ProblemJson(String body) {
    Http.Response r = http.post("/get_reward?ensemble=" + id, body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }

  @Test
  void anUnknownEnsembleIs404AndNoneNamedIs400() {
    assertThat(http.post("/get_reward?ensemble=nope", Map.of("query", List.of("x"))).status())
        .isEqualTo(404);
    assertThat(http.post("/get_reward", Map.of("query", List.of("x"))).status()).isEqualTo(400);
    assertThat(
            http.post("/get_reward?ensemble=" + id + "&shaping=max", Map.of("query", List.of("x")))
                .status())
        .isEqualTo(400);
  }

  /**
   * The Python client ({@code clients/python}, standard library only) against this running service:
   * TRL's plain and conversational formats and OpenRLHF's {@code reward_func} give the ensemble's
   * means; an unknown ensemble and an unreachable service raise. Needs {@code python3} on the PATH
   * (skipped, and said so, without one).
   */
  @Test
  void thePythonClientGivesTheEnsemblesRewards() throws Exception {
    java.nio.file.Path script =
        java.nio.file.Path.of("..", "clients", "python", "tests", "test_against_service.py")
            .toAbsolutePath()
            .normalize();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isRegularFile(script), "no " + script);
    ProcessBuilder pb;
    try {
      new ProcessBuilder("python3", "--version").start().waitFor();
      pb = new ProcessBuilder("python3", script.toString());
    } catch (java.io.IOException noPython) {
      org.junit.jupiter.api.Assumptions.abort("python3 is not on the PATH");
      return;
    }
    pb.environment().put("UGDA_REWARD_URL", "http://localhost:" + SERVER.port());
    pb.environment().put("UGDA_ENSEMBLE", id);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    int rc = p.waitFor();
    System.out.println(output);
    assertThat(rc).as(output).isZero();
    assertThat(output).contains("Ran 5 tests").doesNotContain("skipped");
  }
}
