package org.ugda.gateway.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The data the page-rendering tests show: three pipeline runs in the runs API's shape ({@code
 * PipelineRun}, as maps so that they can carry hostile text anywhere) and what the services would
 * answer for the finished one. Every name and error a server could echo is hostile here at least
 * once.
 */
final class DashboardFixtures {
  private DashboardFixtures() {}

  /** The API key the page is given; the runs fixture answers 401 to any other. */
  static final String KEY = "dashboard-fixture-admin-key-0123456789abcdef";

  /** A name that is an injection if it ever reaches innerHTML. */
  static final String HOSTILE_NAME = "<img src=x onerror=\"window.__pwned=1\">ugda demo";

  static final String HOSTILE_ERROR =
      "<script>window.__pwned=2</script><b onmouseover=\"window.__pwned=3\">out of memory</b>";

  static final String FINISHED = "11111111-1111-4111-8111-111111111111";
  static final String LIVE = "22222222-2222-4222-8222-222222222222";
  static final String FAILED = "33333333-3333-4333-8333-333333333333";

  static final String ENSEMBLE = "aaaaaaaa-0000-4000-8000-000000000001";
  static final String PPO_RUN = "bbbbbbbb-0000-4000-8000-000000000001";
  static final String PPO_REFINED_RUN = "bbbbbbbb-0000-4000-8000-000000000002";
  static final String SELECTION = "cccccccc-0000-4000-8000-000000000001";
  static final String RELABEL_JOB = "dddddddd-0000-4000-8000-000000000001";

  /** Samples in the fixture selection: two pages of 1,000 and one of 600. */
  static final int SAMPLES = 2600;

  /** The runs list, newest first. */
  static List<Map<String, Object>> runs() {
    return List.of(finished(), live(), failed());
  }

  static Map<String, Object> run(String id) {
    return runs().stream().filter(r -> r.get("id").equals(id)).findFirst().orElse(null);
  }

  static Map<String, Object> finished() {
    Instant t = Instant.now().minusSeconds(3600);
    List<Map<String, Object>> steps = new ArrayList<>();
    steps.add(
        step(0, "ensemble", "SUCCEEDED", Map.of("ensembleId", ENSEMBLE, "version", 1), t, 300));
    Map<String, Object> ppo = step(1, "ppo", "SUCCEEDED", Map.of("policyRunId", PPO_RUN), t, 900);
    ppo.put("reusedFrom", FAILED);
    steps.add(ppo);
    steps.add(step(2, "select", "SUCCEEDED", Map.of("selectionId", SELECTION), t, 120));
    steps.add(step(3, "relabel", "SUCCEEDED", Map.of("relabelJobId", RELABEL_JOB), t, 60));
    steps.add(step(4, "refine", "SUCCEEDED", Map.of("ensembleId", ENSEMBLE, "version", 2), t, 200));
    steps.add(step(5, "ppo-refined", "SUCCEEDED", Map.of("policyRunId", PPO_REFINED_RUN), t, 900));
    steps.add(step(6, "evaluate", "SUCCEEDED", Map.of(), t, 30));
    Map<String, Object> results = new LinkedHashMap<>();
    results.put(
        "policy", Map.of("helpful", gold(0.61, 0.04, 200), "harmless", gold(0.55, 0.05, 200)));
    results.put("sft", Map.of("helpful", gold(0.40, 0.06, 200), "harmless", gold(0.42, 0.05, 200)));
    results.put("accuracy", Map.of("1", 0.712, "2", 0.748));
    results.put("relabelled", 650);
    return run(FINISHED, HOSTILE_NAME, "ugda", "SUCCEEDED", "evaluate", steps, results, null, t);
  }

  static Map<String, Object> live() {
    Instant t = Instant.now().minusSeconds(1600); // the ppo step started 10 min ago
    List<Map<String, Object>> steps = new ArrayList<>();
    steps.add(
        step(0, "ensemble", "SUCCEEDED", Map.of("ensembleId", ENSEMBLE, "version", 1), t, 60));
    Map<String, Object> ppo = step(1, "ppo", "RUNNING", Map.of("policyRunId", PPO_RUN), t, -1);
    ppo.put("progress", Map.of("step", 12, "steps", 40));
    steps.add(ppo);
    steps.add(step(2, "evaluate", "PENDING", Map.of(), null, 0));
    return run(LIVE, "lcb live", "lcb", "RUNNING", "ppo", steps, null, null, t);
  }

  static Map<String, Object> failed() {
    Instant t = Instant.now().minusSeconds(86_400);
    List<Map<String, Object>> steps = new ArrayList<>();
    steps.add(
        step(0, "ensemble", "SUCCEEDED", Map.of("ensembleId", ENSEMBLE, "version", 1), t, 60));
    Map<String, Object> ppo = step(1, "ppo", "FAILED", Map.of(), t, 30);
    ppo.put("error", HOSTILE_ERROR);
    steps.add(ppo);
    steps.add(step(2, "evaluate", "PENDING", Map.of(), null, 0));
    return run(FAILED, "ppo baseline", "ppo", "FAILED", "ppo", steps, null, HOSTILE_ERROR, t);
  }

  private static Map<String, Object> run(
      String id,
      String name,
      String method,
      String state,
      String current,
      List<Map<String, Object>> steps,
      Map<String, Object> results,
      String error,
      Instant created) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("name", name);
    r.put("method", method);
    r.put("state", state);
    r.put("currentStep", current);
    r.put(
        "request",
        Map.of(
            "method", method, "budget", 0.25, "seed", 0, "expert", "simulated", "preset", "tiny"));
    r.put("steps", steps);
    r.put("results", results);
    r.put("error", error);
    r.put("createdAt", created.toString());
    r.put("startedAt", created.plusSeconds(1).toString());
    r.put("finishedAt", state.equals("RUNNING") ? null : created.plusSeconds(3000).toString());
    return r;
  }

  /** A step starting at {@code t} and lasting {@code seconds}: still running where negative. */
  private static Map<String, Object> step(
      int ordinal, String name, String state, Map<String, Object> outputs, Instant t, int seconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("ordinal", ordinal);
    s.put("name", name);
    s.put("state", state);
    s.put("outputs", outputs);
    s.put("progress", Map.of());
    s.put("reusedFrom", null);
    s.put("error", null);
    s.put("startedAt", t == null ? null : t.plusSeconds(ordinal * 1000L).toString());
    s.put(
        "finishedAt",
        t == null || seconds < 0 ? null : t.plusSeconds(ordinal * 1000L + seconds).toString());
    return s;
  }

  private static Map<String, Object> gold(double mean, double variance, int n) {
    return Map.of("mean", mean, "variance", variance, "n", n);
  }

  // ---------------------------------------------------------------- the services' answers

  /** policy-service's {@code GET /v1/runs/{id}/steps}: RunStep {step, epoch, metrics}. */
  static List<Map<String, Object>> ppoSteps(boolean refined) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int s = 1; s <= 40; s++) {
      double kl = 0.004 * Math.pow(s, 1.6);
      double proxy = refined ? 0.05 + 0.75 * Math.sqrt(kl) : 0.1 + 0.9 * Math.sqrt(kl);
      // the first run over-optimises: gold rises, then falls; the refined one keeps rising
      double gold =
          refined ? 0.1 + 0.6 * Math.sqrt(kl) - 0.05 * kl : 0.1 + 0.7 * Math.sqrt(kl) - 0.35 * kl;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", s);
      m.put("epoch", 0);
      m.put("proxyMean", proxy);
      m.put("proxyVariance", (refined ? 0.02 : 0.04) + 0.002 * s);
      m.put("goldMean", gold);
      m.put("kl", kl);
      m.put("klCoefficient", 0.05);
      out.add(Map.of("step", s, "epoch", 0, "metrics", m));
    }
    return out;
  }

  /** selection-service's {@code GET /v1/selections/{id}}. */
  static Map<String, Object> selectionView() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", SELECTION);
    v.put("state", "SUCCEEDED");
    v.put("request", Map.of("runId", PPO_RUN, "strategy", "ugda", "gamma", 0.5, "budget", 650));
    v.put("progress", Map.of());
    v.put("logSize", SAMPLES);
    v.put("trainSize", SAMPLES / 2);
    v.put("keptSize", 650);
    v.put("effectiveEta", 0.5);
    return v;
  }

  /** One page of the selection's samples, from {@code from}; the cursor is the next index. */
  static Map<String, Object> samplesPage(int from, int limit) {
    Random random = new Random(7);
    double[] variance = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      variance[i] = Math.abs(random.nextGaussian()) * 0.05 + 0.01;
    }
    double[] sorted = variance.clone();
    java.util.Arrays.sort(sorted);
    double cut = sorted[SAMPLES / 2];
    List<Map<String, Object>> items = new ArrayList<>();
    int to = Math.min(SAMPLES, from + limit);
    for (int i = from; i < to; i++) {
      boolean passed = variance[i] > cut;
      double aggregate = random.nextGaussian() * 0.1 + variance[i];
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("rolloutId", i + 1);
      s.put("step", i / 64 + 1);
      s.put("index", i % 64);
      s.put("subtask", i % 2 == 0 ? "helpful" : "harmless");
      s.put("rewardMean", random.nextGaussian());
      s.put("rewardVariance", variance[i]);
      s.put("goldReward", random.nextGaussian());
      s.put("varianceRank", java.util.Arrays.binarySearch(sorted, variance[i]) + 1);
      s.put(
          "varianceFraction", (java.util.Arrays.binarySearch(sorted, variance[i]) + 1.0) / SAMPLES);
      s.put("passedUncertainty", passed);
      s.put("influence", passed ? Map.of("helpful", aggregate, "harmless", aggregate) : null);
      s.put("aggregate", passed ? aggregate : null);
      s.put("influenceRank", null);
      s.put("kept", passed && aggregate > cut);
      items.add(s);
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("next", to < SAMPLES ? Integer.toString(to) : null);
    return page;
  }

  /** relabel-service's {@code GET /v1/relabel/jobs/{id}/labels}. */
  static List<Map<String, Object>> labels() {
    List<Map<String, Object>> out = new ArrayList<>();
    int[] scores = {1, 2, 2, 3, 3, 3, 4, 4, 5};
    for (int i = 0; i < 180; i++) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("id", String.format("eeeeeeee-0000-4000-8000-%012d", i));
      l.put("itemId", String.format("ffffffff-0000-4000-8000-%012d", i));
      l.put("jobId", RELABEL_JOB);
      l.put("ordinal", i);
      l.put("expert", "simulated");
      l.put("labeller", "world simulated expert");
      l.put("score", scores[i % scores.length]);
      l.put("comment", i == 0 ? HOSTILE_ERROR : null);
      l.put("rubricVersion", "v1");
      l.put("createdAt", Instant.now().minusSeconds(1000 - i).toString());
      out.add(l);
    }
    return out;
  }

  /** reward-service's {@code GET /v1/ensembles/{id}/versions}. */
  static List<Map<String, Object>> versions() {
    Map<String, Object> v1 = new LinkedHashMap<>();
    v1.put("ensembleId", ENSEMBLE);
    v1.put("number", 1);
    v1.put("parent", null);
    v1.put("kind", "train");
    v1.put("createdAt", Instant.now().minusSeconds(3500).toString());
    v1.put("metrics", Map.of());
    Map<String, Object> v2 = new LinkedHashMap<>(v1);
    v2.put("number", 2);
    v2.put("parent", 1);
    v2.put("kind", "refine");
    v2.put("createdAt", Instant.now().minusSeconds(1500).toString());
    return List.of(v1, v2);
  }
}
