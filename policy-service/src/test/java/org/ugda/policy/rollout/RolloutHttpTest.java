package org.ugda.policy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ugda.policy.support.Rollouts.grid;
import static org.ugda.policy.support.Rollouts.rollout;
import static org.ugda.policy.support.Rollouts.withRewards;
import static org.ugda.policy.support.Rollouts.withTexts;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.ugda.api.policy.RolloutPage;
import org.ugda.api.policy.RolloutView;
import org.ugda.api.policy.RunRewards;
import org.ugda.policy.support.PolicyServiceHttpTest;
import tools.jackson.databind.JsonNode;

/** The rollout endpoints over HTTP: pages, one rollout, the JSONL export, rewards, and errors. */
class RolloutHttpTest extends PolicyServiceHttpTest {

  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>; rel=\"next\"");

  /** Quotes, newlines, SQL, escapes, separators and characters outside the BMP. */
  private static final String HOSTILE =
      "'; drop table policy.rollout; --\n\"quoted\" and 'single' \\n \\\" \\\\ \r\n\ttab"
          + " \u0001\u001f\u007f \u2028\u2029 é ß 中文 😀👩‍👩‍👧 <script>&amp;</script> {\"json\": [1]}"
          + " %2F %00 ${x} {{y}}";

  @Autowired RolloutLog log;

  @Test
  void shouldWalkEveryFilteredRowExactlyOnceByNextAndByLink() {
    UUID run = newRun();
    log.append(grid(run, 4, 9, UnaryOperator.identity()));
    log.append(grid(newRun(), 4, 9, UnaryOperator.identity()));
    List<Long> expected = ids(run, new RolloutFilter(1, 3, "math"));
    assertThat(expected).hasSize(15);

    String query = "&limit=4&fromStep=1&toStep=3&subtask=math";
    List<Long> byNext = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      Reply reply =
          get("/v1/runs/" + run + "/rollouts?" + (next == null ? "" : "after=" + next) + query);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      RolloutPage page = JSON.readValue(reply.body(), RolloutPage.class);
      page.items().forEach(item -> byNext.add(item.id()));
      assertThat(page.items()).allMatch(v -> v.step() >= 1 && v.step() <= 3);
      assertThat(page.items()).allMatch(v -> "math".equals(v.subtask()));
      assertThat(JSON.readTree(reply.body()).has("next")).isTrue();
      next = page.next();
      if (next == null) {
        assertThat(reply.header("Link")).isNull();
      } else {
        assertThat(reply.header("Link"))
            .isEqualTo(
                "<"
                    + baseUrl()
                    + "/v1/runs/"
                    + run
                    + "/rollouts?after="
                    + next
                    + "&limit=4&fromStep=1&toStep=3&subtask=math>; rel=\"next\"");
      }
      pages++;
    } while (next != null);
    assertThat(pages).isEqualTo(4);
    assertThat(byNext).isEqualTo(expected);

    List<Long> byLink = new ArrayList<>();
    String url =
        baseUrl() + "/v1/runs/" + run + "/rollouts?limit=4&fromStep=1&toStep=3&subtask=math";
    while (url != null) {
      Reply reply = get(url);
      JSON.readValue(reply.body(), RolloutPage.class).items().forEach(v -> byLink.add(v.id()));
      url = linkedNext(reply);
    }
    assertThat(byLink).isEqualTo(expected);
  }

  @Test
  void shouldWalkTheWholeLogThroughTheClientWithoutAnEmptyLastPage() {
    UUID run = newRun();
    log.append(grid(run, 3, 7, UnaryOperator.identity()));
    List<Long> walked = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      RolloutPage page = client().rollouts(run, after, 7, null, null, null);
      assertThat(page.items()).isNotEmpty();
      page.items().forEach(v -> walked.add(v.id()));
      after = page.next();
      pages++;
    } while (after != null);

    assertThat(pages).isEqualTo(3);
    assertThat(walked).isEqualTo(ids(run, RolloutFilter.ALL));
    RolloutView one = client().rollout(run, walked.get(5));
    assertThat(one).isEqualTo(log.find(run, walked.get(5)).orElseThrow());
  }

  @Test
  void shouldPageAHundredByDefaultAndUpToAThousand() {
    UUID run = newRun();
    log.append(grid(run, 3, 40, UnaryOperator.identity()));

    RolloutPage first = client().rollouts(run, null, null, null, null, null);
    assertThat(first.items()).hasSize(100);
    assertThat(first.next()).isNotNull();
    Reply all = get("/v1/runs/" + run + "/rollouts?limit=1000");
    assertThat(JSON.readValue(all.body(), RolloutPage.class).items()).hasSize(120);
    assertThat(JSON.readTree(all.body()).get("next").isNull()).isTrue();
    assertThat(all.header("Link")).isNull();
    Reply empty = get("/v1/runs/" + newRun() + "/rollouts");
    assertThat(empty.status()).isEqualTo(200);
    assertThat(JSON.readTree(empty.body()).get("items").size()).isZero();
  }

  @Test
  void shouldLinkTheNextPageThroughTheGatewaysPrefix() {
    UUID run = newRun();
    log.append(grid(run, 1, 3, UnaryOperator.identity()));

    Reply reply =
        get("/v1/runs/" + run + "/rollouts?limit=2", Map.of("X-Forwarded-Prefix", "/policy"));

    assertThat(linkedNext(reply))
        .startsWith(baseUrl() + "/policy/v1/runs/" + run + "/rollouts?after=");
  }

  @Test
  void shouldExportEveryMatchingRowAsJsonlWithThePagesFields() {
    UUID run = newRun();
    log.append(grid(run, 6, 10, UnaryOperator.identity()));

    Reply export = get("/v1/runs/" + run + "/rollouts/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
    assertThat(export.body()).endsWith("\n");
    String[] lines = export.body().split("\n", -1);
    assertThat(lines).hasSize(61);
    assertThat(lines[60]).isEmpty();

    JsonNode items =
        JSON.readTree(get("/v1/runs/" + run + "/rollouts?limit=1000").body()).get("items");
    for (int i = 0; i < 60; i++) {
      assertThat(JSON.readTree(lines[i])).isEqualTo(items.get(i));
    }
    assertThat(fieldNames(items.get(0)))
        .containsExactly(
            "id",
            "runId",
            "epoch",
            "step",
            "index",
            "subtask",
            "prompt",
            "response",
            "promptTokens",
            "responseTokens",
            "promptLength",
            "responseLength",
            "endedWithEos",
            "memberRewards",
            "rewardMean",
            "rewardVariance",
            "kl",
            "shapedReward",
            "goldReward",
            "policyVersion",
            "ensembleId",
            "ensembleVersion",
            "createdAt");

    String filtered =
        get("/v1/runs/" + run + "/rollouts/export?fromStep=2&toStep=3&subtask=code").body();
    List<Long> exported = new ArrayList<>();
    for (String line : filtered.split("\n")) {
      exported.add(JSON.readTree(line).get("id").asLong());
    }
    assertThat(exported).isEqualTo(ids(run, new RolloutFilter(2, 3, "code")));
    assertThat(get("/v1/runs/" + newRun() + "/rollouts/export").body()).isEmpty();
  }

  @Test
  void shouldRoundTripHostileTextThroughPageOneRolloutAndExport() {
    UUID run = newRun();
    String subtask = "a+b & c=d/é 😀?#";
    List<Rollout> written = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      written.add(withTexts(rollout(run, 0, i), subtask, HOSTILE + i, i + HOSTILE));
    }
    written.add(withTexts(rollout(run, 0, 3), "plain", "", ""));
    log.append(written);
    String encoded = URLEncoder.encode(subtask, StandardCharsets.UTF_8);

    List<RolloutView> paged = new ArrayList<>();
    String url = baseUrl() + "/v1/runs/" + run + "/rollouts?limit=1&subtask=" + encoded;
    while (url != null) {
      Reply reply = get(url);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      paged.addAll(JSON.readValue(reply.body(), RolloutPage.class).items());
      url = linkedNext(reply);
    }
    String export = get("/v1/runs/" + run + "/rollouts/export?subtask=" + encoded).body();
    String[] lines = export.split("\n");

    assertThat(paged).hasSize(3);
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 3; i++) {
      RolloutView line = JSON.readValue(lines[i], RolloutView.class);
      for (RolloutView read :
          List.of(paged.get(i), line, client().rollout(run, paged.get(i).id()))) {
        assertThat(read.subtask()).isEqualTo(subtask);
        assertThat(read.prompt().getBytes(StandardCharsets.UTF_8))
            .isEqualTo((HOSTILE + i).getBytes(StandardCharsets.UTF_8));
        assertThat(read.response()).isEqualTo(i + HOSTILE);
      }
    }
    RolloutView plain = client().rollouts(run, null, null, null, null, "plain").items().get(0);
    assertThat(plain.prompt()).isEmpty();
    assertThat(storedRollouts(run)).isEqualTo(4);
  }

  @Test
  void shouldAnswerEachMembersRewardsInLogOrder() {
    UUID run = newRun();
    UUID ensemble = UUID.randomUUID();
    log.append(
        List.of(
            withRewards(rollout(run, 0, 1, null, ensemble, 1), 0.5, -1.25, 3),
            withRewards(rollout(run, 0, 0, null, ensemble, 2), 9, 9, 9),
            withRewards(rollout(run, 0, 2, null, null, null), 7, 7, 7)));
    log.append(List.of(withRewards(rollout(run, 1, 0, null, ensemble, 1), 4, 5, 6)));

    Reply reply = get("/v1/runs/" + run + "/rewards?ensemble=" + ensemble + "&version=1");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"members\":[[0.5,4.0],[-1.25,5.0],[3.0,6.0]]}");
    RunRewards rewards = client().runRewards(run.toString(), ensemble, 1);
    assertThat(rewards.members())
        .containsExactly(List.of(0.5, 4.0), List.of(-1.25, 5.0), List.of(3.0, 6.0));
  }

  @Test
  void shouldAnswer404NamingTheRunOrWhatTheRunWasScoredWith() {
    UUID unknown = UUID.randomUUID();
    for (String path :
        List.of(
            "/rollouts",
            "/rollouts/1",
            "/rollouts/export",
            "/rewards?ensemble=" + UUID.randomUUID() + "&version=1")) {
      Reply reply = get("/v1/runs/" + unknown + path);
      assertThat(detail(reply, 404)).as(path).isEqualTo("no run with id " + unknown);
    }

    UUID run = newRun();
    UUID other = newRun();
    UUID ensemble = UUID.randomUUID();
    log.append(
        List.of(
            rollout(run, 0, 0, null, ensemble, 3),
            rollout(run, 0, 1, null, ensemble, 3),
            rollout(run, 0, 2, null, null, null)));
    log.append(List.of(rollout(other, 0, 0)));
    long foreign = log.page(other, RolloutFilter.ALL, 0, 1).items().get(0).id();

    assertThat(detail(get("/v1/runs/" + run + "/rollouts/" + foreign), 404))
        .startsWith("run " + run + " has no rollout with id " + foreign);
    assertThat(detail(get("/v1/runs/" + run + "/rewards?ensemble=" + ensemble + "&version=2"), 404))
        .isEqualTo(
            "run "
                + run
                + " has no rollout scored by ensemble "
                + ensemble
                + " version 2; its rollouts were scored with ensemble "
                + ensemble
                + " version 3 (2 rollouts), no ensemble (1 rollout)");
    UUID empty = newRun();
    assertThat(
            detail(get("/v1/runs/" + empty + "/rewards?ensemble=" + ensemble + "&version=1"), 404))
        .endsWith("; it has logged no rollouts yet");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/rollouts?limit=0",
        "/rollouts?limit=5000",
        "/rollouts?limit=-3",
        "/rollouts?limit=ten",
        "/rollouts?after=garbage",
        "/rollouts?after=bm90LWEtY3Vyc29y",
        "/rollouts?after=",
        "/rollouts?fromStep=3&toStep=2",
        "/rollouts?fromStep=-1",
        "/rollouts?subtask=",
        "/rollouts/export?fromStep=5&toStep=4",
        "/rollouts/not-a-number",
        "/rewards?ensemble=not-a-uuid&version=1",
        "/rewards?ensemble=00000000-0000-0000-0000-000000000001&version=0",
        "/rewards?ensemble=00000000-0000-0000-0000-000000000001",
        "/rewards?version=1"
      })
  void shouldAnswer400ProblemsThatSayWhatToFix(String path) {
    UUID run = newRun();
    log.append(List.of(rollout(run, 0, 0)));

    assertThat(detail(get("/v1/runs/" + run + path), 400)).isNotBlank();
  }

  @Test
  void shouldSayWhatIsWrongWithALimitACursorARangeAndAVersion() {
    UUID run = newRun();
    String longSubtask = "x".repeat(65);

    assertThat(detail(get("/v1/runs/" + run + "/rollouts?limit=5000"), 400))
        .startsWith("limit must be from 1 to 1000, got 5000");
    String foreign =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("id:7".getBytes(StandardCharsets.US_ASCII));
    assertThat(detail(get("/v1/runs/" + run + "/rollouts?after=" + foreign), 400))
        .startsWith("after must be the next cursor of a previous page");
    assertThat(detail(get("/v1/runs/" + run + "/rollouts?fromStep=3&toStep=2"), 400))
        .contains("fromStep (3) is after toStep (2)");
    assertThat(detail(get("/v1/runs/" + run + "/rollouts?subtask=" + longSubtask), 400))
        .isEqualTo("subtask must be at most 64 characters, was 65");
    assertThat(
            detail(
                get("/v1/runs/" + run + "/rewards?ensemble=" + UUID.randomUUID() + "&version=0"),
                400))
        .startsWith("version must be at least 1");
    assertThat(detail(get("/v1/runs/" + run + "/rewards?ensemble=nope&version=1"), 400))
        .isEqualTo("ensemble must be a UUID, got 'nope'");
    assertThat(detail(get("/v1/runs/not-a-run/rollouts"), 400))
        .isEqualTo("runId must be a UUID, got 'not-a-run'");
  }

  private List<Long> ids(UUID run, RolloutFilter filter) {
    List<Long> ids = new ArrayList<>();
    log.stream(run, filter, v -> ids.add(v.id()));
    return ids;
  }

  /** The problem's detail, after checking status, media type and title. */
  private static String detail(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = JSON.readTree(reply.body());
    assertThat(problem.get("title").asString())
        .isEqualTo(status == 404 ? "Not found" : "Invalid request");
    return problem.get("detail").asString();
  }

  private static String linkedNext(Reply reply) {
    String link = reply.header("Link");
    if (link == null) {
      return null;
    }
    Matcher matcher = NEXT_LINK.matcher(link);
    assertThat(matcher.matches()).as(link).isTrue();
    return matcher.group(1);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
