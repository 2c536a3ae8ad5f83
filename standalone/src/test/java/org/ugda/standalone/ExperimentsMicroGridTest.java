package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.gateway.experiments.ExperimentTables;
import org.ugda.testsupport.DashboardScreenshot;
import org.ugda.testsupport.HeadlessChromium;
import org.ugda.testsupport.Http;
import org.ugda.testsupport.OpenAiStub;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./ugda experiments}' runner on its one-seed micro grid (CI's): every cell runs through the
 * gateway's runs API on the tiny world, the report is written, its structure is checked, and every
 * number in it is traced back to a stored run. A second call runs nothing new; one cell computed
 * afresh (no reuse) gives the same numbers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsMicroGridTest {
  private static final String ADMIN_KEY = "experiments-admin-key-0123456789abcdefghij";
  private static Path root;
  private static Standalone standalone;
  private static Http gateway;
  private static Demo.Client client;
  private static final Path OUT = Path.of("target", "experiments-results");
  private static final ExperimentGrid GRID = ExperimentGrid.of("micro", 1, "micro").judged();
  private static OpenAiStub judge;
  private static ExperimentTables.Report report;

  @BeforeAll
  static void start() throws IOException {
    root = TinyWorld.build(Path.of("target", "experiments-world"));
    TinyWorld.delete(Path.of("target", "experiments-postgres"));
    TinyWorld.delete(root.resolve("reward"));
    TinyWorld.delete(root.resolve("policy"));
    TinyWorld.delete(OUT);
    judge = OpenAiStub.start();
    Path keyFile = Path.of("target", "experiments-judge-key");
    Files.writeString(keyFile, "sk-experiments-test-key");
    standalone =
        TinyPlatform.start(
            root,
            "target/experiments-postgres",
            ADMIN_KEY,
            "--ugda.relabel.judge.base-url=" + judge.baseUrl(),
            "--ugda.relabel.judge.api-key-file=" + keyFile.toAbsolutePath(),
            "--ugda.relabel.judge.model=stub-judge");
    gateway = new Http(standalone.urls().get("gateway").getPort()).withKey(ADMIN_KEY);
    client = new Demo.Client(standalone.urls().get("gateway"), ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (standalone != null) {
      standalone.close();
    }
    if (judge != null) {
      judge.close();
    }
  }

  @Test
  @Order(1)
  void theMicroGridRunsAndItsReportHasEverySection() throws Exception {
    report = Experiments.run(GRID, client, System.err);
    ExperimentReport.write(report, GRID, OUT, 0);
    assertThat(report.unfinished()).isEmpty();
    assertThat(report.finished()).isEqualTo(GRID.cells().size()).isEqualTo(6);
    String md = Files.readString(OUT.resolve(ExperimentReport.REPORT));
    assertThat(md)
        .contains(
            "## Table 2: clean preferences",
            "## Figure 7",
            "## Figure 2",
            "## Projection dimension",
            "## Figures 10-11",
            "## Over-optimisation",
            "## Reading",
            "| SFT |",
            "| PPO 0% |",
            "| UGDA 25% |",
            "UGDA is better than");
    // one seed: no interval exists, and the report says so instead of inventing one
    assertThat(md).contains("± n/a");
    for (String f :
        List.of("report.json", "cells.csv", "main.csv", "wins.csv", "sweeps.csv", "curves.csv")) {
      assertThat(OUT.resolve(f)).isNotEmptyFile();
    }
    for (String png : List.of("gold-clean.png", "overopt-clean.png", "sweep-dim.png")) {
      var img = ImageIO.read(OUT.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(img.getWidth()).isGreaterThan(100);
      assertThat(md).contains("(" + png + ")");
    }
    // every table the paper has, with the rows the grid asked for
    assertThat(report.main())
        .extracting(m -> ExperimentReport.label(m))
        .containsExactly("SFT", "PPO 0%", "PPO 25%", "UGDA 25%");
    assertThat(report.wins())
        .extracting(ExperimentTables.WinRow::baseline)
        .contains("SFT", "PPO 0%");
    assertThat(md).contains("The judge columns compare");
    for (var w : report.wins()) {
      assertThat(w.win().mean() + w.tie().mean() + w.lose().mean()).isCloseTo(1.0, within(1e-9));
      assertThat(w.judgeWin().mean() + w.judgeTie().mean() + w.judgeLose().mean())
          .isCloseTo(1.0, within(1e-9));
      // one seed: a difference without an interval is never called a win
      assertThat(w.verdict()).isEqualTo("tie");
    }
    assertThat(report.sweeps())
        .extracting(ExperimentTables.SweepRow::sweep)
        .contains("dim", "gamma-eta");
    assertThat(report.curves()).isNotEmpty();
  }

  @Test
  @Order(2)
  void everyNumberInTheReportComesFromAStoredRun() throws Exception {
    List<String> lines = Files.readAllLines(OUT.resolve("cells.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    assertThat(lines).hasSize(GRID.cells().size() + 1);
    String md = Files.readString(OUT.resolve(ExperimentReport.REPORT));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
      JsonNode run = gateway.get("/api/runs/" + f[header.indexOf("run_id")]).json();
      assertThat(run.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(run.at("/request/tags/experiment").asString()).isEqualTo("micro");
      JsonNode policy = run.at("/results/policy");
      for (String s : List.of("helpful", "harmless", "all")) {
        assertThat(Double.parseDouble(f[header.indexOf("gold_" + s)]))
            .isCloseTo(policy.at("/" + s + "/mean").asDouble(), within(1e-6));
        assertThat(Double.parseDouble(f[header.indexOf("var_" + s)]))
            .isCloseTo(policy.at("/" + s + "/variance").asDouble(), within(1e-6));
      }
      // the per-prompt answers the win/tie/lose counts are made of agree with the means stored
      List<Double> each = new ArrayList<>();
      run.at("/results/perPrompt/policy").forEach(x -> each.add(x.asDouble()));
      assertThat(each.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
          .isCloseTo(policy.at("/all/mean").asDouble(), within(1e-9));
      // every answer was judged: one score 1-5 per answer, none left to the human queue
      JsonNode scores = run.at("/results/perPrompt/judge");
      JsonNode answers = run.at("/results/perPrompt/answer");
      assertThat(scores.size()).isEqualTo(each.size()).isEqualTo(answers.size());
      for (int i = 0; i < scores.size(); i++) {
        assertThat(scores.get(i).isNull()).isFalse();
        assertThat(scores.get(i).asInt()).isBetween(1, 5);
      }
    }
    // the main table's figures are these runs' (one seed: the mean is the run's own number)
    for (var m : report.main()) {
      JsonNode run = gateway.get("/api/runs/" + m.runIds().get(0)).json();
      String gold =
          String.format(Locale.ROOT, "%.3f ± n/a", run.at("/results/policy/all/mean").asDouble());
      assertThat(md).contains("| " + ExperimentReport.label(m) + " | 1 |");
      assertThat(ExperimentReport.mainTable(report, "clean")).contains(gold);
    }
    // the gateway's tables are the report's: computed again now, they are the same
    JsonNode again = gateway.get("/api/experiments/micro").json();
    assertThat(again.get("finished").asInt()).isEqualTo(report.finished());
    assertThat(Http.JSON.treeToValue(again, ExperimentTables.Report.class).main())
        .isEqualTo(report.main());
  }

  @Test
  @Order(3)
  void aSecondCallRunsNothingNew() throws Exception {
    int before = gateway.get("/api/runs?limit=500").json().size();
    ExperimentTables.Report second = Experiments.run(GRID, client, System.err);
    assertThat(gateway.get("/api/runs?limit=500").json().size()).isEqualTo(before);
    assertThat(second.main()).isEqualTo(report.main());
    // --report-only reads the same tables without submitting anything
    assertThat(Experiments.tables(GRID, client).main()).isEqualTo(report.main());
    assertThat(gateway.get("/api/runs?limit=500").json().size()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void theSameCellComputedAfreshGivesTheSameNumbers() {
    ExperimentGrid.Cell ugda =
        GRID.cells().stream()
            .filter(c -> c.id().equals("clean-ugda-25-s1"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> body = new LinkedHashMap<>(ugda.body());
    body.put("name", "micro ugda again, nothing reused");
    body.put("reuse", false);
    body.put("tags", Map.of("experiment", "micro-repeat"));
    String id = client.submit(body, null);
    JsonNode fresh = gateway.awaitState("/api/runs/" + id, java.time.Duration.ofMinutes(10));
    assertThat(fresh.get("state").asString()).as(fresh.toString()).isEqualTo("SUCCEEDED");
    for (JsonNode s : fresh.get("steps")) {
      assertThat(s.hasNonNull("reusedFrom")).as(s.get("name").asString()).isFalse();
    }
    JsonNode first = gateway.get("/api/runs/" + mainRunId("UGDA 25%")).json().get("results");
    JsonNode again = fresh.get("results");
    assertThat(again.at("/perPrompt/policy")).isEqualTo(first.at("/perPrompt/policy"));
    assertThat(again.get("policy")).isEqualTo(first.get("policy"));
    assertThat(again.at("/accuracy")).hasSize(2);
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    again.get("accuracy").forEach(x -> a.add(x.asDouble()));
    first.get("accuracy").forEach(x -> b.add(x.asDouble()));
    assertThat(a).isEqualTo(b);
  }

  @Test
  @Order(5)
  void aRunThatReusesEveryStepHasTheResultsToo() {
    // SFT does not depend on the training pairs: the flipped setting's SFT is the clean one's
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", "sft");
    body.put("preset", "tiny");
    body.put("seed", 1);
    body.put("trainPairs", "world/pairs-train-flipped-elsewhere.jsonl");
    body.put("tags", Map.of("experiment", "micro-repeat", "noise", "flip20"));
    String id = client.submit(body, null);
    JsonNode run = gateway.awaitState("/api/runs/" + id, java.time.Duration.ofMinutes(2));
    assertThat(run.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(run.at("/steps/0/reusedFrom").isNull()).isFalse();
    JsonNode sft = gateway.get("/api/runs/" + mainRunId("SFT")).json();
    assertThat(run.get("results")).isEqualTo(sft.get("results"));
  }

  @Test
  @Order(7)
  void badExperimentRequestsAreClearErrors() {
    Http.Response unknown = gateway.get("/api/experiments/no-such-experiment");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.json().get("detail").asString()).contains("GET /api/experiments");
    assertThat(gateway.get("/api/experiments/" + "x".repeat(300)).status()).isEqualTo(400);
    assertThat(gateway.get("/api/experiments").json().get("micro").asInt())
        .isEqualTo(GRID.cells().size());
    assertThatThrownBy(() -> Experiments.parse(new String[] {"--name", "../../etc"}))
        .hasMessageContaining("--name");
    assertThatThrownBy(() -> ExperimentGrid.of("huge", 1, "x")).hasMessageContaining("--preset");
    assertThatThrownBy(() -> ExperimentGrid.of("micro", 0, "x")).hasMessageContaining("--seeds");
  }

  @Test
  @Order(6)
  void theDashboardShowsTheSameTables() {
    HeadlessChromium.assumeAvailable();
    String dom =
        DashboardScreenshot.dom(standalone.urls().get("gateway"), ADMIN_KEY, mainRunId("UGDA 25%"));
    assertThat(dom).contains("data-experiments=\"2\"", "Table 2: clean preferences");
    // the dashboard's figures are the report's: the UGDA row's gold, as the report prints it
    String gold =
        ExperimentReport.fmt(
            report.main().stream()
                .filter(m -> ExperimentReport.label(m).equals("UGDA 25%"))
                .findFirst()
                .orElseThrow()
                .goldMean()
                .get("all"));
    assertThat(dom).contains("UGDA 25%", gold);
    DashboardScreenshot.take(
        standalone.urls().get("gateway"),
        ADMIN_KEY,
        mainRunId("UGDA 25%"),
        Path.of("target", "dashboard", "experiments.png"));
  }

  private static String mainRunId(String label) {
    return report.main().stream()
        .filter(m -> ExperimentReport.label(m).equals(label))
        .findFirst()
        .orElseThrow()
        .runIds()
        .get(0)
        .toString();
  }
}
