package org.ugda.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ugda.core.format.AtomicFiles;
import org.ugda.gateway.experiments.ExperimentTables;
import org.ugda.gateway.experiments.ExperimentTables.Cell;
import org.ugda.gateway.experiments.ExperimentTables.Curve;
import org.ugda.gateway.experiments.ExperimentTables.MainRow;
import org.ugda.gateway.experiments.ExperimentTables.SweepRow;
import org.ugda.gateway.experiments.ExperimentTables.WinRow;
import org.ugda.gateway.experiments.Stat;
import org.ugda.gateway.pipeline.Method;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an experiment's report: {@code report.md} (the tables with mean ± 95% confidence interval
 * over seeds, the paper's own numbers beside ours, and a reading that calls a difference whose
 * interval crosses zero a tie), {@code report.json} (the gateway's tables as they were read), CSV
 * files of every table and cell, and PNG plots. Every number comes from the gateway's {@code GET
 * /api/experiments/{name}}, which computes it from the stored runs.
 */
final class ExperimentReport {
  private ExperimentReport() {}

  static final String REPORT = "report.md";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * The paper's Gemma-2B numbers (table 2: gold Avg/Var per subtask at 0% and 25%; table 3: the
   * flipped setting), for reference only: a different model, data set and gold judge.
   */
  static final Map<String, String> PAPER_CLEAN =
      Map.of(
          "SFT", "0.62 / 0.58",
          "PPO 0%", "0.62 / 0.59",
          "PPO 25%", "0.64 / 0.60",
          "LCB 0%", "0.59 / 0.53",
          "LCB 25%", "0.54 / 0.57",
          "UWO 0%", "0.56 / 0.58",
          "UWO 25%", "0.51 / 0.58",
          "RLR 25%", "0.69 / 0.61",
          "UGDA 25%", "0.83 / 0.80");

  static final Map<String, String> PAPER_FLIPPED =
      Map.of(
          "PPO 0%", "0.51 / 0.48",
          "LCB 0%", "0.54 / 0.50",
          "UWO 0%", "0.60 / 0.52",
          "RLR 25%", "0.57 / 0.57",
          "UGDA 25%", "0.75 / 0.73");

  static void write(ExperimentTables.Report r, ExperimentGrid grid, Path out, double seconds) {
    try {
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("report.json"), JSON.writeValueAsString(r));
      AtomicFiles.writeString(out.resolve("cells.csv"), cellsCsv(r));
      AtomicFiles.writeString(out.resolve("main.csv"), mainCsv(r));
      AtomicFiles.writeString(out.resolve("wins.csv"), winsCsv(r));
      AtomicFiles.writeString(out.resolve("sweeps.csv"), sweepsCsv(r));
      AtomicFiles.writeString(out.resolve("curves.csv"), curvesCsv(r));
      List<String> plots = ExperimentPlots.write(r, out);
      AtomicFiles.writeString(out.resolve(REPORT), markdown(r, grid, seconds, plots));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- Markdown

  static String markdown(
      ExperimentTables.Report r, ExperimentGrid grid, double seconds, List<String> plots) {
    StringBuilder b = new StringBuilder();
    b.append("# UGDA in the benchmark world: experiment `").append(r.experiment()).append("`\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Preset `%s`, %d cells (%d finished); the cells' runs took %.1f min in all (from the"
                + " stored runs' start and end; cells that reused every step count nothing), this"
                + " call %.1f min. Every number below is"
                + " read from the gateway's `GET /api/experiments/%s`, which computes it from the"
                + " stored runs; `cells.csv` names each cell's run (`GET /api/runs/{id}`). Figures"
                + " are the mean over seeds ± the half-width of the 95%% confidence interval"
                + " (Student's t; `n/a` with one seed). Gold is the world's gold reward in [0, 1]"
                + " of the final policy's answers to held-out prompts; var is their variance.%n%n",
            grid.preset(),
            r.runs(),
            r.finished(),
            r.cells().stream().mapToDouble(c -> c.seconds() == null ? 0 : c.seconds()).sum() / 60,
            seconds / 60,
            r.experiment()));
    if (!r.unfinished().isEmpty()) {
      b.append("**Unfinished cells:** ");
      b.append(
          r.unfinished().stream()
              .map(
                  u ->
                      u.name()
                          + " ("
                          + (u.state() == org.ugda.api.job.JobState.SUCCEEDED
                              ? "succeeded without results"
                              : u.state() + (u.error() == null ? "" : ": " + u.error()))
                          + ")")
              .collect(Collectors.joining(", ")));
      b.append("\n\n");
    }
    for (String noise : noises(r)) {
      b.append("## ")
          .append(noise.equals("clean") ? "Table 2: clean preferences" : "Table 3: " + noise)
          .append("\n\n");
      b.append(mainTable(r, noise)).append('\n');
    }
    b.append("## Figure 7: reward-model accuracy on held-out pairs\n\n");
    b.append("| noise | method | helpful | harmless | all | change by refinement |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (MainRow m : r.main()) {
      if (m.method() == Method.SFT) {
        continue;
      }
      b.append("| ")
          .append(m.noise())
          .append(" | ")
          .append(label(m))
          .append(" | ")
          .append(fmt(m.accuracy().get("helpful")))
          .append(" | ")
          .append(fmt(m.accuracy().get("harmless")))
          .append(" | ")
          .append(fmt(m.accuracy().get("all")))
          .append(" | ")
          .append(m.accuracyGain() == null ? "-" : fmtSigned(m.accuracyGain()))
          .append(" |\n");
    }
    b.append('\n');
    b.append("## Figure 2: UGDA against each cell, prompt by prompt (gold reward)\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Per seed, UGDA's and the other cell's answers to the same held-out prompt are compared"
                + " by their gold reward: a win (a loss) when UGDA's is higher (lower) by more than"
                + " %.2f, a tie otherwise; Δ is UGDA's gold minus the other's, paired by seed. The"
                + " verdict reads Δ all: a tie when its interval crosses zero. %s%n%n",
            r.tieMargin(),
            judged(r)
                ? "The judge columns compare the LLM judge's 1-5 scores of the two answers"
                    + " (relabel-service's openai expert, `--judge`): higher wins, equal ties."
                : "No LLM judge scored these runs (`./ugda experiments --judge` with"
                    + " relabel-service's judge configured adds its win / tie / lose)."));
    b.append(
        "| noise | UGDA | against | win | tie | lose | Δ gold helpful | Δ gold harmless | Δ gold"
            + " all | verdict | judge win / tie / lose | RM acc. UGDA / other | sqrt(KL) at the"
            + " end UGDA / other |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (WinRow w : r.wins()) {
      if (!w.ugda().equals("UGDA")) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | **%s** | %s | %s / %s | %s / %s |%n",
              w.noise(),
              w.ugda(),
              w.baseline(),
              pct(w.win()),
              pct(w.tie()),
              pct(w.lose()),
              fmtSigned(w.diff().get("helpful")),
              fmtSigned(w.diff().get("harmless")),
              fmtSigned(w.diff().get("all")),
              w.verdict(),
              w.judgeWin() == null
                  ? "-"
                  : pct(w.judgeWin()) + " / " + pct(w.judgeTie()) + " / " + pct(w.judgeLose()),
              fmt(w.ugdaAccuracy()),
              fmt(w.baselineAccuracy()),
              fmt(w.ugdaFinalSqrtKl()),
              fmt(w.baselineFinalSqrtKl())));
    }
    b.append('\n');
    byDimension(b, r);
    sweeps(b, r);
    b.append("## Over-optimisation: gold and proxy reward against sqrt(KL to SFT)\n\n");
    b.append(
        "The per-step curves of every PPO stage are in `curves.csv` (the proxy is the reward the"
            + " policy was trained on: the ensemble's mean, or member 0 for PPO; gold is of the"
            + " step's own rollouts). The end points:\n\n");
    b.append("| noise | cell | stage | steps | sqrt(KL) | proxy | gold | gold peak (step) |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Curve c : r.curves()) {
      var pts = c.points();
      var end = pts.get(pts.size() - 1);
      var peak =
          pts.stream()
              .filter(p -> p.goldMean() != null)
              .max(java.util.Comparator.comparingDouble(p -> p.goldMean().mean()))
              .orElse(end);
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s | %s | %s (%d) |%n",
              c.noise(),
              label(c.method(), c.budget()),
              c.stage(),
              pts.size(),
              fmt(end.sqrtKl()),
              fmt(end.proxyMean()),
              fmt(end.goldMean()),
              fmt(peak.goldMean()),
              peak.step()));
    }
    b.append('\n');
    b.append("## Reading\n\n");
    reading(b, r);
    if (!plots.isEmpty()) {
      b.append("\n## Plots\n\n");
      for (String p : plots) {
        b.append("![").append(p).append("](").append(p).append(")\n\n");
      }
    }
    b.append(
        "\nThe paper's numbers (Gemma-2B reward models, Anthropic HH, a Llama2-13B gold judge) are"
            + " given for reference only: another model, other data and another gold scale. In this"
            + " world RLR and UGDA-RA are the same computation (a random 25% relabelled, the"
            + " ensemble refined by Eq. 13-14, PPO again), so their rows are equal by"
            + " construction.\n");
    return b.toString();
  }

  /** Table 2's layout for one kind of training pairs: one row per method and budget. */
  static String mainTable(ExperimentTables.Report r, String noise) {
    StringBuilder b = new StringBuilder();
    Map<String, String> paper = noise.equals("clean") ? PAPER_CLEAN : PAPER_FLIPPED;
    b.append(
        "| method | seeds | gold helpful | gold harmless | gold all | var helpful | var harmless |"
            + " RM acc. | paper gold helpful / harmless |\n");
    b.append("|---|---|---|---|---|---|---|---|---|\n");
    for (MainRow m : r.main()) {
      if (!m.noise().equals(noise)) {
        continue;
      }
      String l = label(m);
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
              l,
              m.seeds().size(),
              fmt(m.goldMean().get("helpful")),
              fmt(m.goldMean().get("harmless")),
              fmt(m.goldMean().get("all")),
              fmt(m.goldVariance().get("helpful")),
              fmt(m.goldVariance().get("harmless")),
              fmt(m.accuracy().get("all")),
              paper.getOrDefault(l, "-")));
    }
    return b.toString();
  }

  /** Figure 2's layout proper: win / tie / lose against its four baselines, per dimension. */
  private static void byDimension(StringBuilder b, ExperimentTables.Report r) {
    List<String> against = List.of("PPO 0%", "LCB 0%", "UWO 0%", "RLR 25%");
    List<WinRow> ws =
        r.wins().stream()
            .filter(w -> against.contains(w.baseline()))
            .filter(w -> !w.ugda().equals("UGDA") || hasDimSweep(r))
            .toList();
    if (ws.stream().noneMatch(w -> !w.ugda().equals("UGDA"))) {
      return;
    }
    b.append("### By projection dimension: win / tie / lose (Δ gold all)\n\n");
    b.append("| noise | UGDA at |");
    against.forEach(a -> b.append(" vs ").append(a).append(" |"));
    b.append("\n|---|---|").append("---|".repeat(against.size())).append('\n');
    Map<String, Map<String, WinRow>> rows = new LinkedHashMap<>();
    for (WinRow w : ws) {
      String d =
          w.ugda().equals("UGDA")
              ? "d=" + mainDim(r, w.noise()) + " (main)"
              : w.ugda().substring(5);
      rows.computeIfAbsent(w.noise() + "|" + d, k -> new LinkedHashMap<>()).put(w.baseline(), w);
    }
    rows.forEach(
        (k, m) -> {
          String[] nd = k.split("\\|", 2);
          b.append("| ").append(nd[0]).append(" | ").append(nd[1]).append(" |");
          for (String a : against) {
            WinRow w = m.get(a);
            b.append(' ')
                .append(
                    w == null
                        ? "-"
                        : String.format(
                            Locale.ROOT,
                            "%.0f / %.0f / %.0f%% (%s, %s)",
                            100 * w.win().mean(),
                            100 * w.tie().mean(),
                            100 * w.lose().mean(),
                            fmtSigned(w.diff().get("all")),
                            w.verdict()))
                .append(" |");
          }
          b.append('\n');
        });
    b.append('\n');
  }

  private static boolean judged(ExperimentTables.Report r) {
    return r.wins().stream().anyMatch(w -> w.judgeWin() != null);
  }

  private static boolean hasDimSweep(ExperimentTables.Report r) {
    return r.sweeps().stream().anyMatch(s -> s.sweep().equals("dim"));
  }

  private static int mainDim(ExperimentTables.Report r, String noise) {
    return r.cells().stream()
        .filter(
            c -> c.noise().equals(noise) && c.sweep().equals("main") && c.method() == Method.UGDA)
        .mapToInt(Cell::dim)
        .findFirst()
        .orElse(0);
  }

  private static void sweeps(StringBuilder b, ExperimentTables.Report r) {
    List<SweepRow> dims = r.sweeps().stream().filter(s -> s.sweep().equals("dim")).toList();
    if (!dims.isEmpty()) {
      b.append("## Projection dimension (figure 2's dimensions)\n\n");
      b.append(
          "| noise | d | seeds | gold helpful | gold harmless | gold all | kept | RM acc. |\n");
      b.append("|---|---|---|---|---|---|---|---|\n");
      for (SweepRow s : dims) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %s | %s | %s | %s |%n",
                s.noise(),
                s.dim(),
                s.runIds().size(),
                fmt(s.goldMean().get("helpful")),
                fmt(s.goldMean().get("harmless")),
                fmt(s.goldMean().get("all")),
                fmt0(s.kept()),
                fmt(s.accuracy())));
      }
      b.append('\n');
    }
    List<SweepRow> ge = r.sweeps().stream().filter(s -> s.sweep().equals("gamma-eta")).toList();
    if (!ge.isEmpty()) {
      b.append("## Figures 10-11: gamma and eta\n\n");
      b.append(
          "UGDA with the uncertainty cut gamma and the influence cut eta (Eq. 9, 11) instead of a"
              + " fixed budget: (1 - gamma)(1 - eta) of the log is relabelled. Gold all (kept"
              + " samples):\n\n");
      for (String noise :
          ge.stream().map(SweepRow::noise).collect(Collectors.toCollection(TreeSet::new))) {
        TreeSet<Double> etas = new TreeSet<>();
        Map<Double, Map<Double, SweepRow>> grid = new TreeMap<>();
        for (SweepRow s : ge) {
          if (s.noise().equals(noise)) {
            etas.add(s.eta());
            grid.computeIfAbsent(s.gamma(), g -> new TreeMap<>()).put(s.eta(), s);
          }
        }
        b.append("| ").append(noise).append(": gamma \\ eta |");
        etas.forEach(e -> b.append(String.format(Locale.ROOT, " %.2f |", e)));
        b.append("\n|---|").append("---|".repeat(etas.size())).append('\n');
        grid.forEach(
            (g, row) -> {
              b.append(String.format(Locale.ROOT, "| %.2f |", g));
              for (Double e : etas) {
                SweepRow s = row.get(e);
                b.append(' ')
                    .append(
                        s == null
                            ? "-"
                            : fmt(s.goldMean().get("all")) + " (" + fmt0(s.kept()) + ")")
                    .append(" |");
              }
              b.append('\n');
            });
        b.append('\n');
      }
    }
  }

  /**
   * The reading: for every comparison whether UGDA is better, worse or tied, with the measured
   * figures beside it that bear on why (the refined ensemble's accuracy against the other's, how
   * far the policies drifted, how many samples were relabelled, the label noise).
   */
  private static void reading(StringBuilder b, ExperimentTables.Report r) {
    for (String noise : noises(r)) {
      List<WinRow> ws =
          r.wins().stream()
              .filter(w -> w.noise().equals(noise) && w.ugda().equals("UGDA"))
              .toList();
      if (ws.isEmpty()) {
        continue;
      }
      Map<String, List<String>> by = new LinkedHashMap<>();
      for (WinRow w : ws) {
        by.computeIfAbsent(w.verdict(), k -> new ArrayList<>()).add(w.baseline());
      }
      b.append("- **")
          .append(noise)
          .append("**: UGDA is better than ")
          .append(list(by.get("better")))
          .append("; tied with ")
          .append(list(by.get("tie")))
          .append(" (the 95% interval of Δ gold all crosses zero); worse than ")
          .append(list(by.get("worse")))
          .append(".\n");
      MainRow ugda = row(r, noise, Method.UGDA, 0.25);
      if (ugda != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "  Measured around it: UGDA relabelled %s samples per seed; its refinement changed"
                    + " the ensemble's held-out accuracy by %s (to %s); its second PPO ended at"
                    + " sqrt(KL) %s.",
                fmt0(ugda.kept()),
                fmtSigned(ugda.accuracyGain()),
                fmt(ugda.accuracy().get("all")),
                fmt(ugda.finalSqrtKl())));
        MainRow ra = row(r, noise, Method.UGDA_RA, 0.25);
        if (ra == null) {
          ra = row(r, noise, Method.RLR, 0.25);
        }
        if (ra != null) {
          b.append(
              String.format(
                  Locale.ROOT,
                  " A random selection of the same size (%s) changed it by %s.",
                  label(ra),
                  fmtSigned(ra.accuracyGain())));
        }
        MainRow ppo = row(r, noise, Method.PPO, 0.0);
        Stat drift = paired(r, noise, Method.PPO, 0.0, Method.SFT, 0.0);
        if (ppo != null && drift != null) {
          b.append(
              String.format(
                  Locale.ROOT,
                  " Plain PPO drifted to sqrt(KL) %s and changed gold by %s against SFT (paired by"
                      + " seed).",
                  fmt(ppo.finalSqrtKl()),
                  fmtSigned(drift)));
        }
        b.append('\n');
        List<String> why = new ArrayList<>();
        if (drift != null && drift.sign() >= 0) {
          why.add(
              "plain PPO's gold is not measurably below SFT's ("
                  + fmtSigned(drift)
                  + "): there was little over-optimisation for a better reward model to cure");
        }
        if (ugda.accuracyGain() != null && ugda.accuracyGain().sign() <= 0) {
          why.add(
              "the refinement did not measurably raise the ensemble's held-out accuracy ("
                  + fmtSigned(ugda.accuracyGain())
                  + "), so the second PPO was trained on much the same reward");
        }
        if (ugda.kept() != null) {
          why.add(
              String.format(
                  Locale.ROOT, "the budget: %.0f relabelled samples per seed", ugda.kept().mean()));
        }
        if (noise.startsWith("flip")) {
          why.add("label noise: 20% of the training pairs flipped");
        }
        if (!why.isEmpty() && (by.containsKey("tie") || by.containsKey("worse"))) {
          b.append("  Where it is not better, the measured circumstances: ")
              .append(String.join("; ", why))
              .append(".\n");
        }
      }
    }
  }

  /** Gold all of cell (a, budget a) minus cell (b, budget b), paired by seed, over seeds. */
  private static Stat paired(
      ExperimentTables.Report r, String noise, Method a, double ba, Method b, double bb) {
    Map<Long, Double> other = new TreeMap<>();
    for (Cell c : r.cells()) {
      if (c.noise().equals(noise)
          && c.sweep().equals("main")
          && c.method() == b
          && c.budget() == bb) {
        other.put(c.seed(), c.goldMean().get("all"));
      }
    }
    List<Double> d = new ArrayList<>();
    for (Cell c : r.cells()) {
      if (c.noise().equals(noise)
          && c.sweep().equals("main")
          && c.method() == a
          && c.budget() == ba
          && other.get(c.seed()) != null) {
        d.add(c.goldMean().get("all") - other.get(c.seed()));
      }
    }
    return Stat.of(d);
  }

  private static MainRow row(ExperimentTables.Report r, String noise, Method m, double budget) {
    for (MainRow x : r.main()) {
      if (x.noise().equals(noise) && x.method() == m && x.budget() == budget) {
        return x;
      }
    }
    return null;
  }

  private static String list(List<String> xs) {
    return xs == null || xs.isEmpty() ? "none" : String.join(", ", xs);
  }

  static List<String> noises(ExperimentTables.Report r) {
    List<String> out = new ArrayList<>();
    r.main()
        .forEach(
            m -> {
              if (!out.contains(m.noise())) {
                out.add(m.noise());
              }
            });
    out.sort((a, c) -> a.equals("clean") ? -1 : c.equals("clean") ? 1 : a.compareTo(c));
    return out;
  }

  static String label(MainRow m) {
    return label(m.method(), m.budget());
  }

  static String label(Method method, double budget) {
    return ExperimentTables.label(method, budget);
  }

  static String fmt(Stat s) {
    if (s == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.3f ± %s",
        s.mean(),
        s.ci95() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", s.ci95()));
  }

  static String fmtSigned(Stat s) {
    if (s == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%+.3f ± %s",
        s.mean(),
        s.ci95() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", s.ci95()));
  }

  private static String fmt0(Stat s) {
    return s == null ? "-" : String.format(Locale.ROOT, "%.0f", s.mean());
  }

  private static String pct(Stat s) {
    if (s == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.1f%%%s",
        100 * s.mean(),
        s.ci95() == null ? "" : String.format(Locale.ROOT, " ± %.1f", 100 * s.ci95()));
  }

  // ---- CSV

  private static String num(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.6f", d);
  }

  private static String stat(Stat s) {
    return s == null
        ? ",,"
        : num(s.mean()) + "," + (s.ci95() == null ? "" : num(s.ci95())) + "," + s.n();
  }

  static String cellsCsv(ExperimentTables.Report r) {
    StringBuilder b =
        new StringBuilder(
            "run_id,name,noise,sweep,method,budget,seed,dim,gamma,eta,gold_helpful,gold_harmless,"
                + "gold_all,var_helpful,var_harmless,var_all,acc_helpful,acc_harmless,acc_all,"
                + "acc_initial,relabelled,kept,log_size,final_sqrt_kl,final_proxy,seconds\n");
    for (Cell c : r.cells()) {
      List<String> f = new ArrayList<>();
      f.add(c.runId().toString());
      f.add(quote(c.name()));
      f.add(c.noise());
      f.add(c.sweep());
      f.add(c.method().wire());
      f.add(num(c.budget()));
      f.add(Long.toString(c.seed()));
      f.add(Integer.toString(c.dim()));
      f.add(num(c.gamma()));
      f.add(num(c.eta()));
      for (String s : ExperimentTables.SUBTASKS) {
        f.add(num(c.goldMean().get(s)));
      }
      for (String s : ExperimentTables.SUBTASKS) {
        f.add(num(c.goldVariance().get(s)));
      }
      for (String s : ExperimentTables.SUBTASKS) {
        f.add(c.accuracy() == null ? "" : num(c.accuracy().get(s)));
      }
      f.add(num(c.accuracyInitial()));
      f.add(Integer.toString(c.relabelled()));
      f.add(c.kept() == null ? "" : c.kept().toString());
      f.add(c.logSize() == null ? "" : c.logSize().toString());
      f.add(num(c.finalSqrtKl()));
      f.add(num(c.finalProxy()));
      f.add(num(c.seconds()));
      b.append(String.join(",", f)).append('\n');
    }
    return b.toString();
  }

  private static String mainCsv(ExperimentTables.Report r) {
    StringBuilder b = new StringBuilder("noise,method,budget,seeds");
    for (String k : List.of("gold", "var", "acc")) {
      for (String s : ExperimentTables.SUBTASKS) {
        b.append(',').append(k).append('_').append(s).append(",ci95,n");
      }
    }
    b.append(",acc_gain,ci95,n\n");
    for (MainRow m : r.main()) {
      b.append(m.noise())
          .append(',')
          .append(m.method().wire())
          .append(',')
          .append(num(m.budget()))
          .append(',')
          .append(m.seeds().size());
      for (Map<String, Stat> t : List.of(m.goldMean(), m.goldVariance(), m.accuracy())) {
        for (String s : ExperimentTables.SUBTASKS) {
          b.append(',').append(stat(t.get(s)));
        }
      }
      b.append(',').append(stat(m.accuracyGain())).append('\n');
    }
    return b.toString();
  }

  private static String winsCsv(ExperimentTables.Report r) {
    StringBuilder b =
        new StringBuilder(
            "noise,ugda,baseline,seeds,win,ci95,n,tie,ci95,n,lose,ci95,n,diff_all,ci95,n,verdict\n");
    for (WinRow w : r.wins()) {
      b.append(w.noise())
          .append(',')
          .append(quote(w.ugda()))
          .append(',')
          .append(quote(w.baseline()))
          .append(',')
          .append(w.seeds())
          .append(',')
          .append(stat(w.win()))
          .append(',')
          .append(stat(w.tie()))
          .append(',')
          .append(stat(w.lose()))
          .append(',')
          .append(stat(w.diff().get("all")))
          .append(',')
          .append(w.verdict())
          .append('\n');
    }
    return b.toString();
  }

  private static String sweepsCsv(ExperimentTables.Report r) {
    StringBuilder b =
        new StringBuilder(
            "noise,sweep,dim,gamma,eta,gold_helpful,ci95,n,gold_harmless,ci95,n,gold_all,ci95,n,"
                + "kept,ci95,n\n");
    for (SweepRow s : r.sweeps()) {
      b.append(s.noise())
          .append(',')
          .append(s.sweep())
          .append(',')
          .append(s.dim())
          .append(',')
          .append(num(s.gamma()))
          .append(',')
          .append(num(s.eta()));
      for (String k : ExperimentTables.SUBTASKS) {
        b.append(',').append(stat(s.goldMean().get(k)));
      }
      b.append(',').append(stat(s.kept())).append('\n');
    }
    return b.toString();
  }

  private static String curvesCsv(ExperimentTables.Report r) {
    StringBuilder b =
        new StringBuilder(
            "noise,method,budget,stage,step,sqrt_kl,ci95,n,proxy,ci95,n,gold,ci95,n\n");
    for (Curve c : r.curves()) {
      for (var p : c.points()) {
        b.append(c.noise())
            .append(',')
            .append(c.method().wire())
            .append(',')
            .append(num(c.budget()))
            .append(',')
            .append(c.stage())
            .append(',')
            .append(p.step())
            .append(',')
            .append(stat(p.sqrtKl()))
            .append(',')
            .append(stat(p.proxyMean()))
            .append(',')
            .append(stat(p.goldMean()))
            .append('\n');
      }
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s == null ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
