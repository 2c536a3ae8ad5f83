package org.ugda.relabel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ugda.relabel.support.Items.item;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ugda.api.job.Jobs;
import org.ugda.api.relabel.CreateRelabelJob;
import org.ugda.api.relabel.RelabelItem;
import org.ugda.api.relabel.RelabelJob;
import org.ugda.relabel.support.RelabelServiceHttpTest;
import tools.jackson.databind.JsonNode;

/**
 * Relabel's errors in the one problem+json shape every UGDA service answers with: the title fixed
 * per status, the detail that says what to fix, the path as {@code instance}.
 */
class ProblemTitlesHttpTest extends RelabelServiceHttpTest {

  @Test
  void shouldAnswerWithTheSharedTitlePerStatus() {
    RelabelJob waiting = settledJob("human", item("t " + runId(), "r"));
    List<RelabelItem> tooMany = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooMany.add(new RelabelItem(null, "\n\nHuman: q\n\nAssistant:", "r" + i));
    }
    UUID unknown = UUID.randomUUID();
    Map<String, String> before = storedState();

    Reply invalid = post("/v1/relabel/jobs", "{\"expert\": \"gpt\", \"items\": []}");
    Reply malformed = post("/v1/relabel/jobs", "{\"expert\": ");
    Reply badKey =
        post(
            "/v1/relabel/jobs",
            json(new CreateRelabelJob("human", tooMany.subList(0, 1))),
            Map.of(Jobs.IDEMPOTENCY_KEY, "has spaces"));
    Reply missing = get("/v1/relabel/jobs/" + unknown);
    Reply conflict = post("/v1/relabel/jobs/" + waiting.id() + "/resume", "");
    Reply tooLarge = post("/v1/relabel/jobs", json(new CreateRelabelJob("human", tooMany)));

    assertProblem(invalid, 400, "Invalid request", "/v1/relabel/jobs", "expert must be one of");
    assertProblem(malformed, 400, "Invalid request", "/v1/relabel/jobs", "not valid JSON");
    assertProblem(
        badKey, 400, "Invalid request", "/v1/relabel/jobs", "Idempotency-Key must be printable");
    assertProblem(
        missing, 404, "Not found", "/v1/relabel/jobs/" + unknown, "no job with id " + unknown);
    assertProblem(
        conflict,
        409,
        "Conflict",
        "/v1/relabel/jobs/" + waiting.id() + "/resume",
        "only INTERRUPTED or FAILED");
    assertProblem(
        tooLarge, 413, "Request too large", "/v1/relabel/jobs", "ugda.relabel.jobs.max-items");
    assertThat(storedState()).isEqualTo(before);
  }

  private static void assertProblem(
      Reply reply, int status, String title, String instance, String detail) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode problem = JSON.readTree(reply.body());
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("title").asString()).isEqualTo(title);
    assertThat(problem.path("instance").asString()).isEqualTo(instance);
    assertThat(problem.path("detail").asString()).contains(detail);
  }
}
