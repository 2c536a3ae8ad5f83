package org.ugda.selection.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.policy.PolicyServiceApplication;
import org.ugda.reward.RewardServiceApplication;
import org.ugda.selection.SelectionServiceApplication;
import org.ugda.testsupport.Http;
import org.ugda.testsupport.TestDatabase;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.data.WorldData;
import tools.jackson.databind.JsonNode;

/**
 * Selection end to end in the benchmark world: real reward-, policy- and selection-services on a
 * real PostgreSQL. An ensemble trained on the world's preference pairs is the proxy, a tiny PPO run
 * logs 96 rollouts and two checkpoints, and each strategy selects from that log over HTTP with real
 * gradient features of the run's checkpoints.
 */
class SelectionHttpTest {
  private static final TestDatabase DB = TestDatabase.shared();
  private static final int PROMPTS = 48;
  private static final int LOG = 96;
  private static Path root;
  private static int rewardPort;
  private static int policyPort;
  private static ConfigurableApplicationContext reward;
  private static ConfigurableApplicationContext policy;
  private static ConfigurableApplicationContext selection;
  private static final Http POLICY = new Http(() -> policyPort);
  private static final Http REWARD = new Http(() -> rewardPort);
  private static final Http SELECTION =
      new Http(() -> ((WebServerApplicationContext) selection).getWebServer().getPort());
  private static String run;

  @BeforeAll
  static void start() throws IOException {
    root = TinyWorld.build(Path.of("target", "test-world"));
    rewardPort = freePort();
    policyPort = freePort();
    String[] db = {
      "--spring.datasource.url=" + DB.url(),
      "--spring.datasource.username=" + DB.username(),
      "--spring.datasource.password=" + DB.password(),
      "--ugda.device=cpu"
    };
    reward =
        RewardServiceApplication.application()
            .run(with(db, "--server.port=" + rewardPort, "--ugda.reward.storage-root=" + root));
    policy =
        PolicyServiceApplication.application()
            .run(
                with(
                    db,
                    "--server.port=" + policyPort,
                    "--ugda.policy.storage-root=" + root,
                    "--ugda.policy.default-base-model=sft",
                    "--ugda.services.reward-url=http://localhost:" + rewardPort));
    selection =
        SelectionServiceApplication.application()
            .run(
                with(
                    db,
                    "--server.port=0",
                    "--ugda.selection.storage-root=" + root,
                    "--ugda.services.policy-url=http://localhost:" + policyPort));
    String ensemble = trainProxy();
    run = ppoRun(ensemble);
  }

  private static String[] with(String[] common, String... more) {
    String[] out = Arrays.copyOf(common, common.length + more.length);
    System.arraycopy(more, 0, out, common.length, more.length);
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The proxy: 3 members trained on all the world's training pairs, which are biased (DESIGN.md
   * section 5), one epoch: the benchmark's over-optimisation recipe.
   */
  private static String trainProxy() {
    Http.Response created =
        REWARD.post("/v1/ensembles", Map.of("name", "proxy", "baseModel", "sft", "members", 3));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String ensemble = created.json().get("id").asString();
    List<Map<String, Object>> pairs = new ArrayList<>();
    for (PreferencePair p :
        PreferenceFiles.readHh(root.resolve("world").resolve(WorldFiles.PAIRS_TRAIN))) {
      pairs.add(Map.of("prompt", p.prompt(), "chosen", p.chosen(), "rejected", p.rejected()));
    }
    Http.Response train =
        REWARD.post(
            "/v1/ensembles/" + ensemble + "/train",
            Map.of(
                "dataset", Map.of("pairs", pairs),
                "training", Map.of("epochs", 1, "batchSize", 8)));
    assertThat(train.status()).as(train.body()).isEqualTo(202);
    JsonNode done =
        REWARD.awaitState("/v1/jobs/" + train.json().get("id").asString(), Duration.ofMinutes(8));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    return ensemble;
  }

  /** A tiny PPO run: 48 prompts, 2 epochs of 6 steps of 8 rollouts, a checkpoint per epoch. */
  private static String ppoRun(String ensemble) {
    List<Map<String, Object>> prompts = new ArrayList<>();
    for (WorldData.PromptItem p :
        WorldData.prompts(root.resolve("world").resolve(WorldFiles.PPO_PROMPTS))) {
      if (prompts.size() == PROMPTS) {
        break;
      }
      prompts.add(Map.of("prompt", p.prompt(), "subtask", p.subtask()));
    }
    Http.Response r =
        POLICY.post(
            "/v1/runs",
            Map.of(
                "ensembleId",
                ensemble,
                "prompts",
                prompts,
                "settings",
                Map.of(
                    "epochs", 2,
                    "batchSize", 8,
                    "minibatchSize", 4,
                    "ppoEpochs", 1,
                    "learningRate", 1e-3,
                    "sampling", Map.of("maxNewTokens", 8))));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().get("id").asString();
    JsonNode done = POLICY.awaitState("/v1/runs/" + id, Duration.ofMinutes(10));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("loggedRollouts").asLong()).isEqualTo(LOG);
    return id;
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext c : List.of(selection, policy, reward)) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static JsonNode select(Map<String, Object> body) {
    Http.Response r = SELECTION.post("/v1/selections", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String id = r.json().get("id").asString();
    assertThat(r.header("Location")).endsWith("/v1/selections/" + id);
    JsonNode done = SELECTION.awaitState("/v1/selections/" + id, Duration.ofMinutes(10));
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    return done;
  }

  private static Map<String, Object> request(String strategy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", run);
    m.put("strategy", strategy);
    m.put("dim", 1024);
    m.put("seed", 7);
    return m;
  }

  /** Every sample of a selection, paging through with small pages. */
  private static List<JsonNode> samples(String id, String filter) {
    List<JsonNode> out = new ArrayList<>();
    String after = null;
    do {
      Http.Response page =
          SELECTION.get(
              "/v1/selections/"
                  + id
                  + "/samples?limit=10"
                  + filter
                  + (after == null ? "" : "&after=" + after));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      page.json().get("items").forEach(out::add);
      JsonNode next = page.json().get("next");
      after = next == null || next.isNull() ? null : next.asString();
    } while (after != null);
    return out;
  }

  private static Set<Long> kept(List<JsonNode> rows) {
    Set<Long> out = new HashSet<>();
    for (JsonNode s : rows) {
      if (s.get("kept").asBoolean()) {
        out.add(s.get("rolloutId").asLong());
      }
    }
    return out;
  }

  /**
   * The proxy's worst mistakes: the quarter of the log where the proxy mean and the gold reward,
   * both standardised over the log (they live on different scales), are furthest apart ({@code
   * absolute}), or where the proxy most over-estimates the gold reward (otherwise).
   */
  private static Set<Long> worstMistakes(List<JsonNode> rows, boolean absolute) {
    int n = rows.size();
    double[] proxy = new double[n];
    double[] gold = new double[n];
    for (int i = 0; i < n; i++) {
      proxy[i] = rows.get(i).get("rewardMean").asDouble();
      gold[i] = rows.get(i).get("goldReward").asDouble();
    }
    double[] zp = z(proxy);
    double[] zg = z(gold);
    double[] err = new double[n];
    for (int i = 0; i < n; i++) {
      err[i] = absolute ? Math.abs(zp[i] - zg[i]) : zp[i] - zg[i];
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> err[i]).reversed());
    Set<Long> out = new HashSet<>();
    for (int t = 0; t < n / 4; t++) {
      out.add(rows.get(order.get(t)).get("rolloutId").asLong());
    }
    return out;
  }

  private static double[] z(double[] v) {
    double mean = Arrays.stream(v).average().orElse(0);
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElse(0);
    double sd = var == 0 ? 1 : Math.sqrt(var);
    return Arrays.stream(v).map(x -> (x - mean) / sd).toArray();
  }

  private static double share(Set<Long> kept, Set<Long> worst) {
    return (double) kept.stream().filter(worst::contains).count() / worst.size();
  }

  @Test
  void everyStrategyKeepsItsBudgetAndUgdaKeepsOnlyTheUncertainHalf() {
    Map<String, Set<Long>> keptBy = new HashMap<>();
    List<JsonNode> ugdaRows = null;
    for (String strategy : List.of("ugda", "uncertainty", "gradient", "random")) {
      JsonNode done = select(request(strategy));
      String id = done.get("id").asString();
      assertThat(done.get("logSize").asInt()).isEqualTo(LOG);
      // gamma = eta = 0.5: a quarter of the log for every strategy
      assertThat(done.get("keptSize").asInt()).as(strategy).isEqualTo(LOG / 4);
      List<JsonNode> rows = samples(id, "");
      assertThat(rows).hasSize(LOG);
      Set<Long> kept = kept(rows);
      assertThat(kept).as(strategy).hasSize(LOG / 4);
      assertThat(samples(id, "&kept=true")).hasSize(LOG / 4);
      keptBy.put(strategy, kept);
      Set<Integer> ranks = new HashSet<>();
      for (JsonNode s : rows) {
        ranks.add(s.get("varianceRank").asInt());
        boolean hasInfluence = s.get("influence") != null && !s.get("influence").isNull();
        switch (strategy) {
          case "ugda" -> {
            assertThat(hasInfluence).isEqualTo(s.get("passedUncertainty").asBoolean());
            if (s.get("kept").asBoolean()) {
              assertThat(s.get("passedUncertainty").asBoolean()).isTrue();
              assertThat(s.get("varianceRank").asInt()).isGreaterThan(LOG / 2);
            }
          }
          case "gradient" -> assertThat(hasInfluence).isTrue();
          case "uncertainty" -> {
            assertThat(hasInfluence).isFalse();
            assertThat(s.get("kept").asBoolean())
                .isEqualTo(s.get("varianceRank").asInt() > LOG - LOG / 4);
          }
          default -> assertThat(hasInfluence).isFalse();
        }
      }
      assertThat(ranks).as("variance ranks are 1..n, ties broken").hasSize(LOG);
      if (strategy.equals("ugda")) {
        ugdaRows = rows;
        assertThat(done.get("trainSize").asInt()).isEqualTo(LOG / 2);
        assertThat(done.get("effectiveEta").asDouble()).isEqualTo(0.5);
        explainAndExport(id, rows);
      }
    }
    // reproducible: the same request selects the same samples again
    JsonNode again = select(request("ugda"));
    assertThat(kept(samples(again.get("id").asString(), ""))).isEqualTo(keptBy.get("ugda"));

    // the proxy's worst mistakes: where it most over-rates an answer against the gold reward
    Set<Long> worst = worstMistakes(ugdaRows, false);
    Set<Long> apart = worstMistakes(ugdaRows, true);
    String line = "";
    for (String st : List.of("ugda", "random", "uncertainty", "gradient")) {
      line +=
          String.format(
              Locale.ROOT,
              " %s %.3f (|error| %.3f)",
              st,
              share(keptBy.get(st), worst),
              share(keptBy.get(st), apart));
    }
    System.out.printf(
        Locale.ROOT,
        "selection worst-mistake share (of the %d of %d samples with the largest z(proxy mean) -"
            + " z(gold); in brackets of the largest |z(proxy mean) - z(gold)|):%s%n",
        worst.size(),
        LOG,
        line);
    // better than random's draw, and than what a random pick keeps on average (k / n)
    assertThat(share(keptBy.get("ugda"), worst))
        .as("ugda keeps more of the proxy's worst mistakes than random")
        .isGreaterThan(share(keptBy.get("random"), worst))
        .isGreaterThan(0.25);
  }

  private static void explainAndExport(String id, List<JsonNode> rows) {
    JsonNode keptOne = rows.stream().filter(s -> s.get("kept").asBoolean()).findFirst().get();
    JsonNode filtered =
        rows.stream().filter(s -> !s.get("passedUncertainty").asBoolean()).findFirst().get();
    JsonNode ex =
        SELECTION
            .get(
                "/v1/selections/"
                    + id
                    + "/samples/"
                    + keptOne.get("rolloutId").asLong()
                    + "/explain")
            .json();
    assertThat(ex.get("cosines").size()).as("one entry per checkpoint").isEqualTo(2);
    JsonNode c = ex.get("cosines").get(0);
    assertThat(c.get("learningRate").asDouble()).isPositive();
    assertThat(c.get("cosines").has("helpful")).isTrue();
    assertThat(c.get("cosines").has("harmless")).isTrue();
    for (JsonNode cp : ex.get("cosines")) {
      for (String t : List.of("helpful", "harmless")) {
        assertThat(Math.abs(cp.get("cosines").get(t).asDouble())).isLessThanOrEqualTo(1.0);
      }
    }
    assertThat(ex.get("reason").asString()).startsWith("kept: passed the uncertainty filter");
    JsonNode dropped =
        SELECTION
            .get(
                "/v1/selections/"
                    + id
                    + "/samples/"
                    + filtered.get("rolloutId").asLong()
                    + "/explain")
            .json();
    assertThat(dropped.get("reason").asString()).startsWith("dropped by the uncertainty filter");
    assertThat(dropped.get("cosines").size()).isZero();

    Http.Response export = SELECTION.get("/v1/selections/" + id + "/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
    List<String> lines =
        Arrays.stream(export.body().split("\n")).filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(LOG / 4);
    for (String l : lines) {
      JsonNode item = Http.JSON.readTree(l);
      assertThat(item.get("prompt").asString()).contains("Human:");
      assertThat(item.has("response")).isTrue();
      assertThat(kept(rows)).contains(Long.parseLong(item.get("externalId").asString()));
    }
  }

  private static long selections() {
    try (Connection c = DB.connect();
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM selection.job")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void refused(Map<String, Object> body, int status, String detail) {
    Http.Response r = SELECTION.post("/v1/selections", body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).contains(detail);
  }

  private static Map<String, Object> with(String strategy, Object... kv) {
    Map<String, Object> m = request(strategy);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void badInputIsRefusedAndNothingIsStored() {
    long before = selections();
    refused(with("ugda", "gamma", 1.5), 400, "gamma must be from 0 to 1");
    refused(with("ugda", "eta", -0.1), 400, "eta must be from 0 to 1");
    refused(with("ugda", "validation", List.of()), 400, "validation is empty");
    refused(
        with("ugda", "validation", List.of(Map.of("name", "helpful", "examples", List.of()))),
        400,
        "is empty");
    refused(
        with("ugda", "runId", "00000000-0000-0000-0000-000000000009"),
        404,
        "policy-service has no run");
    refused(
        with("ugda", "checkpoints", List.of(Map.of("epoch", 9))),
        404,
        "has no checkpoint of epoch 9");
    refused(with("random", "budgetCount", LOG + 1), 400, "larger than the run's log");
    refused(with("ugda", "budgetCount", LOG / 2 + 1), 400, "that pass gamma");
    refused(with("ugda", "eta", 0.5, "budgetFraction", 0.25), 400, "not both");
    refused(with("ugda", "dim", 1000), 400, "dim must be one of");
    refused(with("sideways"), 400, "strategy");
    // hostile: a validation example far beyond the size limit
    refused(
        with(
            "ugda",
            "validation",
            List.of(
                Map.of(
                    "name",
                    "big",
                    "examples",
                    List.of(Map.of("prompt", "x".repeat(30_000), "response", "y"))))),
        413,
        "at most 20000");
    Http.Response malformed = SELECTION.post("/v1/selections", "{\"runId\": ", null);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(selections()).as("no selection row was written").isEqualTo(before);
    assertThat(SELECTION.get("/v1/selections/00000000-0000-0000-0000-000000000001").status())
        .isEqualTo(404);
  }

  @Test
  void aRetryWithTheSameKeyReturnsTheSameSelection() {
    String body = Http.JSON.writeValueAsString(with("uncertainty", "budgetFraction", 0.5));
    Http.Response first = SELECTION.post("/v1/selections", body, "sel-key-1");
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    Http.Response second = SELECTION.post("/v1/selections", body, "sel-key-1");
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    String other = Http.JSON.writeValueAsString(with("uncertainty", "budgetFraction", 0.25));
    assertThat(SELECTION.post("/v1/selections", other, "sel-key-1").status()).isEqualTo(409);
    JsonNode done =
        SELECTION.awaitState(
            "/v1/selections/" + first.json().get("id").asString(), Duration.ofMinutes(5));
    assertThat(done.get("keptSize").asInt()).isEqualTo(LOG / 2);
  }
}
