package org.ugda.standalone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cells of {@code ./ugda experiments}: every method of the paper's section 5.1 at 0% and 25%
 * relabel budget on clean and on 20%-flipped preferences, the sweeps of the projection dimension
 * and of gamma and eta, over several seeds. Each cell is one request to the gateway's runs API;
 * cells that compute the same steps (a method's ensemble, its first PPO run) share them by the
 * gateway's reuse by fingerprint.
 *
 * <p>Presets: {@code default} (the paper's grid in the benchmark world, sized to finish within an
 * hour on 2 cores: the flipped setting holds table 3's methods, the sweeps run on clean pairs),
 * {@code full} (every method on both settings and the sweeps on both), {@code micro} (CI: one
 * noise, three methods, one cell per sweep on the tiny pipeline preset).
 */
record ExperimentGrid(String preset, String name, List<Cell> cells) {

  /**
   * The same grid with every cell's final answers scored by the LLM judge ({@code judge: true}).
   */
  ExperimentGrid judged() {
    List<Cell> out = new ArrayList<>();
    for (Cell c : cells) {
      Map<String, Object> body = new LinkedHashMap<>(c.body());
      body.put("judge", true);
      out.add(new Cell(c.id(), body));
    }
    return new ExperimentGrid(preset, name, out);
  }

  /** The training pairs of the flipped setting, under the storage root. */
  static final String FLIPPED_PAIRS = "world/pairs-train-flip20.jsonl";

  /** The share of flipped training pairs (the paper's table 3: 20%). */
  static final double FLIP = 0.2;

  /** How many held-out prompts each cell's final policy answers (default and full presets). */
  static final int EVAL_PROMPTS = 256;

  /**
   * One cell: its id (unique in the experiment, part of its idempotency key) and its request.
   *
   * @param id e.g. {@code clean-ugda-25-s1}, {@code clean-ugda-dim4096-s2}
   */
  record Cell(String id, Map<String, Object> body) {}

  static final List<String> ALL_METHODS =
      List.of("sft", "ppo", "lcb", "uwo", "rlr", "ugda", "ugda-ra", "ugda-un", "ugda-gr");

  /** Table 3's methods: the flipped setting of the default preset. */
  static final List<String> ROBUSTNESS_METHODS = List.of("sft", "ppo", "lcb", "uwo", "rlr", "ugda");

  static ExperimentGrid of(String preset, int seeds, String name) {
    if (seeds < 1 || seeds > 30) {
      throw new IllegalArgumentException("--seeds must be 1 to 30, got " + seeds);
    }
    List<Cell> cells = new ArrayList<>();
    switch (preset) {
      case "micro" -> {
        for (int s = 1; s <= seeds; s++) {
          for (String m : List.of("sft", "ppo", "ugda")) {
            main(cells, name, "tiny", "clean", m, s);
          }
          sweep(cells, name, "tiny", "clean", "dim", 2048, 0.5, null, s);
          sweep(cells, name, "tiny", "clean", "gamma-eta", null, 0.5, 0.5, s);
        }
      }
      case "default", "full" -> {
        boolean full = preset.equals("full");
        for (int s = 1; s <= seeds; s++) {
          for (String m : ALL_METHODS) {
            main(cells, name, "default", "clean", m, s);
          }
          for (String m : full ? ALL_METHODS : ROBUSTNESS_METHODS) {
            main(cells, name, "default", "flip20", m, s);
          }
          for (String noise : full ? List.of("clean", "flip20") : List.of("clean")) {
            // the main grid's ugda holds the preset's own dimension (2048)
            for (int d : List.of(1024, 4096, 8192)) {
              sweep(cells, name, "default", noise, "dim", d, 0.5, null, s);
            }
            for (double g : List.of(0.25, 0.5, 0.75)) {
              for (double e : List.of(0.25, 0.5, 0.75)) {
                sweep(cells, name, "default", noise, "gamma-eta", null, g, e, s);
              }
            }
          }
        }
      }
      default ->
          throw new IllegalArgumentException(
              "--preset must be default, full or micro, got '" + preset + "'");
    }
    return new ExperimentGrid(preset, name, cells);
  }

  /** A method at 0% (where it is defined there) and 25%; SFT once. */
  private static void main(
      List<Cell> cells, String name, String pipeline, String noise, String method, int seed) {
    List<Double> budgets =
        method.equals("sft")
            ? List.of(0.0)
            : List.of("ppo", "lcb", "uwo").contains(method) ? List.of(0.0, 0.25) : List.of(0.25);
    for (double b : budgets) {
      Map<String, Object> body = base(name, pipeline, noise, "main", method, seed);
      body.put("budget", b);
      String id =
          noise
              + "-"
              + method
              + (method.equals("sft") ? "" : "-" + Math.round(100 * b))
              + "-s"
              + seed;
      body.put("name", name + " " + id);
      cells.add(new Cell(id, body));
    }
  }

  private static void sweep(
      List<Cell> cells,
      String name,
      String pipeline,
      String noise,
      String sweep,
      Integer dim,
      double gamma,
      Double eta,
      int seed) {
    Map<String, Object> body = base(name, pipeline, noise, sweep, "ugda", seed);
    body.put("budget", 0.25);
    Map<String, Object> selection = new LinkedHashMap<>();
    selection.put("gamma", gamma);
    if (dim != null) {
      selection.put("dim", dim);
    }
    if (eta != null) {
      selection.put("eta", eta);
    }
    body.put("selection", selection);
    String id =
        noise
            + "-ugda-"
            + (dim != null
                ? "dim" + dim
                : String.format(Locale.ROOT, "g%02d-e%02d", pct(gamma), pct(eta)))
            + "-s"
            + seed;
    body.put("name", name + " " + id);
    cells.add(new Cell(id, body));
  }

  private static long pct(double x) {
    return Math.round(100 * x);
  }

  private static Map<String, Object> base(
      String name, String pipeline, String noise, String sweep, String method, int seed) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", method);
    body.put("preset", pipeline);
    body.put("seed", seed);
    if (noise.equals("flip20")) {
      body.put("trainPairs", FLIPPED_PAIRS);
    }
    if (!pipeline.equals("tiny")) {
      body.put("evalPrompts", EVAL_PROMPTS);
    }
    body.put("tags", Map.of("experiment", name, "noise", noise, "sweep", sweep));
    return body;
  }
}
