package org.ugda.gateway.experiments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.ugda.api.job.JobState;
import org.ugda.gateway.pipeline.Method;
import org.ugda.gateway.pipeline.PipelineRun;
import org.ugda.gateway.pipeline.Steps;

/**
 * The tables of an experiment (the runs tagged {@code experiment = <name>}), computed from the runs
 * as stored, nothing else: the paper's table 2/3 layout (gold reward mean and variance per method,
 * budget and subtask, with reward-model accuracy: figure 7), UGDA's pairwise win/tie/lose against
 * every other cell judged by the gold reward prompt by prompt (figure 2), the sweeps of the
 * projection dimension and of gamma and eta (figures 10-11), and the over-optimisation curves.
 * Every figure is a mean over seeds with its 95% confidence interval ({@link Stat}).
 *
 * <p>Tags a cell carries: {@code experiment}, {@code noise} (a name of the training pairs, e.g.
 * {@code clean}, {@code flip20}), {@code sweep} ({@code main}, {@code dim} or {@code gamma-eta}).
 */
public final class ExperimentTables {
  private ExperimentTables() {}

  /** A gold difference of at most this much between two answers to one prompt is a tie. */
  public static final double TIE_MARGIN = 0.02;

  public static final List<String> SUBTASKS = List.of("helpful", "harmless", "all");

  /** Every table of one experiment. */
  public record Report(
      String experiment,
      int runs,
      int finished,
      List<Unfinished> unfinished,
      List<MainRow> main,
      List<WinRow> wins,
      List<SweepRow> sweeps,
      List<Curve> curves,
      List<Cell> cells,
      double tieMargin) {}

  /** A run of the experiment that has not succeeded (yet). */
  public record Unfinished(UUID runId, String name, JobState state, String error) {}

  /**
   * One finished cell: one run, its figures as its evaluate step stored them.
   *
   * @param goldMean per subtask ({@code helpful}, {@code harmless}, {@code all}): the mean gold
   *     reward of the final policy's answers to the held-out prompts
   * @param goldVariance the same answers' population variance
   * @param accuracy the final ensemble's accuracy on held-out pairs per subtask (null for SFT)
   * @param accuracyInitial the trained ensemble's, before any refinement (all pairs)
   * @param kept how many samples the selection kept of {@code logSize}
   * @param finalSqrtKl sqrt(KL to SFT) at the end of the final policy's PPO run: the square root of
   *     the mean over its last quarter of steps of each step's KL estimate (k1, summed over the
   *     response, averaged over the batch)
   * @param finalProxy the proxy reward over the same steps
   */
  public record Cell(
      UUID runId,
      String name,
      String noise,
      String sweep,
      Method method,
      double budget,
      long seed,
      int dim,
      double gamma,
      Double eta,
      Map<String, Double> goldMean,
      Map<String, Double> goldVariance,
      Map<String, Double> accuracy,
      Double accuracyInitial,
      int relabelled,
      Integer kept,
      Integer logSize,
      Double finalSqrtKl,
      Double finalProxy,
      Double seconds) {}

  /** Table 2/3 and figure 7: one method at one budget on one kind of training pairs. */
  public record MainRow(
      String noise,
      Method method,
      double budget,
      List<Long> seeds,
      Map<String, Stat> goldMean,
      Map<String, Stat> goldVariance,
      Map<String, Stat> accuracy,
      Stat accuracyGain,
      Stat kept,
      Stat finalSqrtKl,
      List<UUID> runIds) {}

  /**
   * Figure 2: a UGDA cell against another cell of the same noise, paired seed by seed and prompt by
   * prompt. {@code diff} is UGDA minus the baseline per subtask; {@code verdict} reads {@code
   * diff.all}: {@code better}, {@code worse}, or {@code tie} where its interval crosses zero. The
   * {@code judge*} shares compare the LLM judge's 1-5 scores of the two answers (over the prompts
   * both were scored on; null where the runs were not judged).
   */
  public record WinRow(
      String noise,
      String ugda,
      String baseline,
      int seeds,
      Stat win,
      Stat tie,
      Stat lose,
      Map<String, Stat> diff,
      String verdict,
      Stat judgeWin,
      Stat judgeTie,
      Stat judgeLose,
      Stat ugdaAccuracy,
      Stat baselineAccuracy,
      Stat ugdaFinalSqrtKl,
      Stat baselineFinalSqrtKl) {}

  /** Figures 10-11 (and figure 2's dimensions): UGDA at one projection dimension, gamma and eta. */
  public record SweepRow(
      String noise,
      String sweep,
      int dim,
      double gamma,
      Double eta,
      Map<String, Stat> goldMean,
      Stat kept,
      Stat accuracy,
      List<UUID> runIds) {}

  /** The over-optimisation curve of one PPO stage of one main row, averaged over seeds per step. */
  public record Curve(
      String noise, Method method, double budget, String stage, List<CurvePoint> points) {}

  public record CurvePoint(int step, Stat sqrtKl, Stat proxyMean, Stat goldMean) {}

  /** The tables of {@code experiment} from its runs. */
  public static Report of(String experiment, List<PipelineRun> runs) {
    List<Unfinished> unfinished = new ArrayList<>();
    List<Parsed> cells = new ArrayList<>();
    for (PipelineRun r : runs) {
      if (r.state() != JobState.SUCCEEDED || r.results() == null) {
        unfinished.add(new Unfinished(r.id(), r.name(), r.state(), r.error()));
      } else {
        cells.add(parse(r));
      }
    }
    cells.sort(
        Comparator.comparing((Parsed p) -> p.cell.noise())
            .thenComparing(p -> p.cell.method())
            .thenComparingDouble(p -> p.cell.budget())
            .thenComparingLong(p -> p.cell.seed()));
    List<MainRow> main = new ArrayList<>();
    List<Curve> curves = new ArrayList<>();
    Map<List<Object>, List<Parsed>> byGroup =
        group(cells, p -> p.cell.sweep().equals("main"), p -> mainKey(p.cell));
    byGroup.forEach(
        (k, g) -> {
          main.add(mainRow(g));
          for (String stage : List.of(Steps.PPO, Steps.PPO_REFINED)) {
            Curve c = curve(g, stage);
            if (c != null) {
              curves.add(c);
            }
          }
        });
    List<WinRow> wins = new ArrayList<>();
    Map<List<Object>, List<Parsed>> ugdaGroups =
        group(
            cells,
            p ->
                p.cell.method() == Method.UGDA
                    && (p.cell.sweep().equals("main") || p.cell.sweep().equals("dim")),
            p -> List.of(p.cell.noise(), p.cell.sweep(), p.cell.dim()));
    for (List<Parsed> u : ugdaGroups.values()) {
      Cell first = u.get(0).cell;
      String label = first.sweep().equals("main") ? "UGDA" : "UGDA d=" + first.dim();
      for (var b : byGroup.entrySet()) {
        Cell base = b.getValue().get(0).cell;
        if (!base.noise().equals(first.noise()) || base.method() == Method.UGDA) {
          continue;
        }
        WinRow w = winRow(label, u, b.getValue());
        if (w != null) {
          wins.add(w);
        }
      }
    }
    List<SweepRow> sweeps = new ArrayList<>();
    group(
            cells,
            p ->
                p.cell.method() == Method.UGDA
                    && (p.cell.sweep().equals("main") || p.cell.sweep().equals("dim")),
            p -> List.of(p.cell.noise(), p.cell.dim()))
        .values()
        .forEach(g -> sweeps.add(sweepRow("dim", g)));
    group(
            cells,
            p -> p.cell.sweep().equals("gamma-eta"),
            p -> List.of(p.cell.noise(), p.cell.gamma(), String.valueOf(p.cell.eta())))
        .values()
        .forEach(g -> sweeps.add(sweepRow("gamma-eta", g)));
    sweeps.sort(
        Comparator.comparing(SweepRow::noise)
            .thenComparing(SweepRow::sweep)
            .thenComparingInt(SweepRow::dim)
            .thenComparingDouble(SweepRow::gamma)
            .thenComparing(x -> x.eta() == null ? -1 : x.eta()));
    return new Report(
        experiment,
        runs.size(),
        cells.size(),
        unfinished,
        main,
        wins,
        sweeps,
        curves,
        cells.stream().map(p -> p.cell).toList(),
        TIE_MARGIN);
  }

  /** A cell and what it is computed from beyond its figures: answers' gold and the curves. */
  private record Parsed(
      Cell cell,
      List<String> subtask,
      List<Double> gold,
      List<Integer> judge,
      Map<String, List<Map<String, Object>>> curves) {}

  private static List<Object> mainKey(Cell c) {
    return List.of(c.noise(), c.method(), c.budget());
  }

  private static Map<List<Object>, List<Parsed>> group(
      List<Parsed> cells, Predicate<Parsed> keep, Function<Parsed, List<Object>> key) {
    Map<List<Object>, List<Parsed>> out = new LinkedHashMap<>();
    for (Parsed p : cells) {
      if (keep.test(p)) {
        out.computeIfAbsent(key.apply(p), k -> new ArrayList<>()).add(p);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Parsed parse(PipelineRun r) {
    Map<String, String> tags = r.request().tags() == null ? Map.of() : r.request().tags();
    Map<String, Object> res = r.results();
    Map<String, Double> mean = new LinkedHashMap<>();
    Map<String, Double> var = new LinkedHashMap<>();
    Map<String, Object> policy = (Map<String, Object>) res.get("policy");
    for (String s : SUBTASKS) {
      if (policy != null && policy.get(s) instanceof Map<?, ?> g) {
        mean.put(s, num(g.get("mean")));
        var.put(s, num(g.get("variance")));
      }
    }
    Map<String, Object> ensemble = outputs(r, Steps.ENSEMBLE);
    Map<String, Object> refine = outputs(r, Steps.REFINE);
    Map<String, Object> select = outputs(r, Steps.SELECT);
    Map<String, Object> finalEnsemble = refine != null ? refine : ensemble;
    Map<String, Double> accuracy = null;
    if (finalEnsemble != null && finalEnsemble.get("accuracy") instanceof Map<?, ?> a) {
      accuracy = new LinkedHashMap<>();
      if (a.get("subsets") instanceof Map<?, ?> subsets) {
        for (String s : List.of("helpful", "harmless")) {
          if (subsets.get(s) != null) {
            accuracy.put(s, num(subsets.get(s)));
          }
        }
      }
      accuracy.put("all", num(a.get("mean")));
    }
    Double initial =
        ensemble != null && ensemble.get("accuracy") instanceof Map<?, ?> a
            ? num(a.get("mean"))
            : null;
    Map<String, List<Map<String, Object>>> curves = new LinkedHashMap<>();
    if (res.get("curves") instanceof Map<?, ?> c) {
      c.forEach((k, v) -> curves.put(k.toString(), (List<Map<String, Object>>) v));
    }
    List<Map<String, Object>> last =
        curves.getOrDefault(Steps.PPO_REFINED, curves.getOrDefault(Steps.PPO, List.of()));
    // the end of a run: its last quarter of steps (one step's k1 estimate of the KL is noisy and
    // can come out negative)
    Double endKl = null;
    Double endProxy = null;
    if (!last.isEmpty()) {
      List<Map<String, Object>> tail =
          last.subList(last.size() - Math.max(1, last.size() / 4), last.size());
      endKl = tail.stream().mapToDouble(p -> num(p.get("kl"))).average().orElseThrow();
      endProxy = tail.stream().mapToDouble(p -> num(p.get("proxyMean"))).average().orElseThrow();
    }
    List<String> subtask = List.of();
    List<Double> gold = List.of();
    List<Integer> judge = null;
    if (res.get("perPrompt") instanceof Map<?, ?> pp) {
      subtask = (List<String>) pp.get("subtask");
      gold = ((List<Object>) pp.get("policy")).stream().map(ExperimentTables::num).toList();
      if (pp.get("judge") instanceof List<?> j) {
        judge = new ArrayList<>();
        for (Object o : j) {
          judge.add(intOrNull(o));
        }
      }
    }
    var sel = r.request().selection();
    Double seconds =
        r.startedAt() == null || r.finishedAt() == null
            ? null
            : Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0;
    Cell cell =
        new Cell(
            r.id(),
            r.name(),
            tags.getOrDefault("noise", "clean"),
            tags.getOrDefault("sweep", "main"),
            r.method(),
            r.request().budget(),
            r.request().seed(),
            sel.dim(),
            sel.gamma(),
            sel.eta(),
            mean,
            var,
            r.method() == Method.SFT ? null : accuracy,
            r.method() == Method.SFT ? null : initial,
            res.get("relabelled") instanceof Number n ? n.intValue() : 0,
            select == null ? null : intOrNull(select.get("keptSize")),
            select == null ? null : intOrNull(select.get("logSize")),
            endKl == null ? null : Math.sqrt(Math.max(0, endKl)),
            endProxy,
            seconds);
    return new Parsed(cell, subtask, gold, judge, curves);
  }

  private static Map<String, Object> outputs(PipelineRun r, String step) {
    for (PipelineRun.Step s : r.steps()) {
      if (s.name().equals(step)) {
        return s.outputs();
      }
    }
    return null;
  }

  private static MainRow mainRow(List<Parsed> g) {
    Cell c = g.get(0).cell;
    List<Cell> cs = g.stream().map(Parsed::cell).toList();
    return new MainRow(
        c.noise(),
        c.method(),
        c.budget(),
        cs.stream().map(Cell::seed).toList(),
        perSubtask(cs, Cell::goldMean),
        perSubtask(cs, Cell::goldVariance),
        c.method() == Method.SFT ? Map.of() : perSubtask(cs, Cell::accuracy),
        c.budget() > 0
            ? Stat.of(
                cs.stream()
                    .map(
                        x ->
                            x.accuracy() == null || x.accuracyInitial() == null
                                ? null
                                : x.accuracy().get("all") - x.accuracyInitial())
                    .toList())
            : null,
        Stat.of(cs.stream().map(x -> x.kept() == null ? null : (double) x.kept()).toList()),
        Stat.of(cs.stream().map(Cell::finalSqrtKl).toList()),
        cs.stream().map(Cell::runId).toList());
  }

  private static Map<String, Stat> perSubtask(
      List<Cell> cs, Function<Cell, Map<String, Double>> f) {
    Map<String, Stat> out = new LinkedHashMap<>();
    for (String s : SUBTASKS) {
      Stat st =
          Stat.of(cs.stream().map(x -> f.apply(x) == null ? null : f.apply(x).get(s)).toList());
      if (st != null) {
        out.put(s, st);
      }
    }
    return out;
  }

  private static WinRow winRow(String label, List<Parsed> ugda, List<Parsed> base) {
    Map<Long, Parsed> bySeed = new TreeMap<>();
    base.forEach(p -> bySeed.put(p.cell.seed(), p));
    List<Double> win = new ArrayList<>();
    List<Double> tie = new ArrayList<>();
    List<Double> lose = new ArrayList<>();
    Map<String, List<Double>> diff = new LinkedHashMap<>();
    List<Double> jWin = new ArrayList<>();
    List<Double> jTie = new ArrayList<>();
    List<Double> jLose = new ArrayList<>();
    List<Cell> us = new ArrayList<>();
    List<Cell> bs = new ArrayList<>();
    for (Parsed u : ugda) {
      Parsed b = bySeed.get(u.cell.seed());
      if (b == null || u.gold.isEmpty() || u.gold.size() != b.gold.size()) {
        continue;
      }
      us.add(u.cell);
      bs.add(b.cell);
      int w = 0;
      int t = 0;
      int l = 0;
      for (int i = 0; i < u.gold.size(); i++) {
        double d = u.gold.get(i) - b.gold.get(i);
        if (d > TIE_MARGIN) {
          w++;
        } else if (d < -TIE_MARGIN) {
          l++;
        } else {
          t++;
        }
      }
      if (u.judge != null && b.judge != null && u.judge.size() == b.judge.size()) {
        int jw = 0;
        int jt = 0;
        int jl = 0;
        for (int i = 0; i < u.judge.size(); i++) {
          Integer x = u.judge.get(i);
          Integer y = b.judge.get(i);
          if (x != null && y != null) {
            if (x > y) {
              jw++;
            } else if (x < y) {
              jl++;
            } else {
              jt++;
            }
          }
        }
        double jn = jw + jt + jl;
        if (jn > 0) {
          jWin.add(jw / jn);
          jTie.add(jt / jn);
          jLose.add(jl / jn);
        }
      }
      double n = u.gold.size();
      win.add(w / n);
      tie.add(t / n);
      lose.add(l / n);
      for (String s : SUBTASKS) {
        Double a = u.cell.goldMean().get(s);
        Double c = b.cell.goldMean().get(s);
        if (a != null && c != null) {
          diff.computeIfAbsent(s, k -> new ArrayList<>()).add(a - c);
        }
      }
    }
    if (us.isEmpty()) {
      return null;
    }
    Map<String, Stat> d = new LinkedHashMap<>();
    diff.forEach((k, v) -> d.put(k, Stat.of(v)));
    Stat all = d.get("all");
    String verdict =
        all == null ? "tie" : all.sign() > 0 ? "better" : all.sign() < 0 ? "worse" : "tie";
    return new WinRow(
        us.get(0).noise(),
        label,
        label(bs.get(0)),
        us.size(),
        Stat.of(win),
        Stat.of(tie),
        Stat.of(lose),
        d,
        verdict,
        Stat.of(jWin),
        Stat.of(jTie),
        Stat.of(jLose),
        Stat.of(us.stream().map(x -> accuracyAll(x)).toList()),
        Stat.of(bs.stream().map(x -> accuracyAll(x)).toList()),
        Stat.of(us.stream().map(Cell::finalSqrtKl).toList()),
        Stat.of(bs.stream().map(Cell::finalSqrtKl).toList()));
  }

  private static Double accuracyAll(Cell c) {
    return c.accuracy() == null ? null : c.accuracy().get("all");
  }

  /** How a main cell is named in the tables: {@code PPO 25%}, {@code SFT}, {@code UGDA-RA 25%}. */
  public static String label(Cell c) {
    return label(c.method(), c.budget());
  }

  /** {@code PPO 25%}; {@code SFT} alone. */
  public static String label(Method method, double budget) {
    String m = method.wire().toUpperCase(Locale.ROOT);
    return method == Method.SFT ? m : m + " " + String.format(Locale.ROOT, "%.0f%%", 100 * budget);
  }

  private static SweepRow sweepRow(String sweep, List<Parsed> g) {
    Cell c = g.get(0).cell;
    List<Cell> cs = g.stream().map(Parsed::cell).toList();
    return new SweepRow(
        c.noise(),
        sweep,
        c.dim(),
        c.gamma(),
        c.eta(),
        perSubtask(cs, Cell::goldMean),
        Stat.of(cs.stream().map(x -> x.kept() == null ? null : (double) x.kept()).toList()),
        Stat.of(cs.stream().map(ExperimentTables::accuracyAll).toList()),
        cs.stream().map(Cell::runId).toList());
  }

  private static Curve curve(List<Parsed> g, String stage) {
    Map<Integer, List<Map<String, Object>>> bySteps = new TreeMap<>();
    for (Parsed p : g) {
      for (Map<String, Object> point : p.curves.getOrDefault(stage, List.of())) {
        bySteps
            .computeIfAbsent(((Number) point.get("step")).intValue(), k -> new ArrayList<>())
            .add(point);
      }
    }
    if (bySteps.isEmpty()) {
      return null;
    }
    List<CurvePoint> points = new ArrayList<>();
    bySteps.forEach(
        (step, ps) ->
            points.add(
                new CurvePoint(
                    step,
                    Stat.of(ps.stream().map(x -> num(x.get("sqrtKl"))).toList()),
                    Stat.of(ps.stream().map(x -> num(x.get("proxyMean"))).toList()),
                    Stat.of(ps.stream().map(x -> num(x.get("goldMean"))).toList()))));
    Cell c = g.get(0).cell;
    return new Curve(c.noise(), c.method(), c.budget(), stage, points);
  }

  private static Double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static Integer intOrNull(Object o) {
    return o instanceof Number n ? n.intValue() : null;
  }
}
