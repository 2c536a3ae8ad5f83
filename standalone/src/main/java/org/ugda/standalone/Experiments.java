package org.ugda.standalone;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ugda.benchmark.cli.ProgressBar;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.core.format.AtomicFiles;
import org.ugda.gateway.experiments.ExperimentTables;
import org.ugda.world.WorldFiles;
import org.ugda.world.WorldGenerator;
import org.ugda.world.data.WorldData;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./ugda experiments}: the paper's experiments in the benchmark world ({@link
 * ExperimentGrid}), every cell through the gateway's runs API, then the report under {@code
 * results/} ({@link ExperimentReport}) from the gateway's tables of the stored runs.
 *
 * <p>Resumable: each cell is submitted with the idempotency key {@code experiment-<name>-<cell>},
 * so a second call finds every cell it already ran (a finished one costs one request, an
 * interrupted one resumes from its last finished step) and only runs the rest.
 */
public final class Experiments {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Experiments() {}

  /** What a call runs: the grid, where the report goes, which platform runs the cells. */
  record Options(
      String preset,
      int seeds,
      String name,
      Path out,
      Path storage,
      URI gateway,
      String key,
      boolean judge,
      boolean reportOnly,
      List<String> passOn) {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    if (o == null) {
      return;
    }
    long t0 = System.nanoTime();
    PrintStream err = System.err;
    ExperimentGrid grid = ExperimentGrid.of(o.preset(), o.seeds(), o.name());
    if (o.judge()) {
      grid = grid.judged();
    }
    Standalone standalone = null;
    URI gateway = o.gateway();
    String key = o.key();
    if (gateway == null) {
      prepare(o.storage(), err);
      List<String> passOn = new ArrayList<>(o.passOn());
      for (String s : List.of("reward", "policy", "selection", "pipeline")) {
        passOn.add("--ugda." + s + ".storage-root=" + o.storage());
      }
      key = key == null ? Demo.adminKey(err) : key;
      passOn.add("--ugda.gateway.admin-key=" + key);
      err.println("experiments: starting every service and the gateway in this JVM...");
      standalone = Standalone.startClosingOnShutdown(passOn.toArray(String[]::new));
      gateway = standalone.urls().get("gateway");
    } else {
      err.println(
          "experiments: running on the platform at "
              + gateway
              + " (its storage root must hold the world and "
              + ExperimentGrid.FLIPPED_PAIRS
              + ": ./ugda experiments without --gateway makes them)");
    }
    try {
      Demo.Client client = new Demo.Client(gateway, key);
      ExperimentTables.Report report =
          o.reportOnly() ? tables(grid, client) : run(grid, client, err);
      ExperimentReport.write(report, grid, o.out(), (System.nanoTime() - t0) / 1e9);
      err.printf(
          Locale.ROOT,
          "experiments: %d cells in %.1f min; report %s%n",
          grid.cells().size(),
          (System.nanoTime() - t0) / 60e9,
          o.out().resolve(ExperimentReport.REPORT).toAbsolutePath());
      System.out.print(ExperimentReport.mainTable(report, "clean"));
    } finally {
      if (standalone != null) {
        standalone.close();
      }
    }
  }

  static Options parse(String[] args) {
    String preset = "default";
    int seeds = 3;
    String name = null;
    Path out = null;
    URI gateway = null;
    boolean judge = false;
    boolean reportOnly = false;
    String key = System.getenv("UGDA_ADMIN_KEY");
    Path storage = Path.of(System.getenv().getOrDefault("UGDA_STORAGE_ROOT", "ugda-storage"));
    List<String> passOn = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--preset" -> preset = value(args, ++i, "--preset");
        case "--seeds" -> seeds = Integer.parseInt(value(args, ++i, "--seeds"));
        case "--name" -> name = value(args, ++i, "--name");
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--storage" -> storage = Path.of(value(args, ++i, "--storage"));
        case "--gateway" -> gateway = URI.create(value(args, ++i, "--gateway"));
        case "--judge" -> judge = true;
        case "--report-only" -> reportOnly = true;
        case "--help", "-h" -> {
          System.out.println(
              "usage: ./ugda experiments [--preset default|full|micro] [--seeds N] [--name NAME]"
                  + " [--out DIR] [--gateway URL] [--judge] [--report-only] [--server.port=N ...]");
          return null;
        }
        default -> passOn.add(args[i]);
      }
    }
    name = name == null ? preset : name;
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
      throw new IllegalArgumentException(
          "--name must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit");
    }
    out =
        out == null
            ? (preset.equals("default") ? Path.of("results") : Path.of("results", name))
            : out;
    return new Options(preset, seeds, name, out, storage, gateway, key, judge, reportOnly, passOn);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  /**
   * The world (with {@link ExperimentGrid#EVAL_PROMPTS} held-out prompts), its SFT model and the
   * flipped training pairs, made where missing. A world made by an earlier version with fewer
   * held-out prompts is made again: the world is a function of its seed, and its other files come
   * out byte for byte the same.
   */
  static void prepare(Path storage, PrintStream err) throws IOException {
    Path world = storage.resolve("world");
    Path eval = world.resolve(WorldFiles.EVAL_PROMPTS);
    Demo.Preset p = Demo.Preset.of("default", 1);
    if (Files.isRegularFile(eval) && WorldData.prompts(eval).size() < p.world().evalPrompts()) {
      err.println(
          "experiments: the world in "
              + world
              + " has fewer than "
              + p.world().evalPrompts()
              + " held-out prompts; making it again (the same seed: every other file is unchanged)");
      ProgressBar bar = new ProgressBar(err);
      Path fresh = world.resolveSibling(world.getFileName() + ".regenerated");
      TinyWorld.delete(fresh);
      WorldGenerator.generate(p.world(), fresh, pct -> bar.update("world", pct, 100, ""));
      try (var files = Files.list(fresh)) {
        for (Path f : files.toList()) {
          Files.move(
              f, world.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.delete(fresh);
    }
    Demo.prepare(p, storage, err);
    flip(world.resolve(WorldFiles.PAIRS_TRAIN), storage.resolve(ExperimentGrid.FLIPPED_PAIRS));
  }

  /**
   * Writes {@code from}'s HH pairs with chosen and rejected swapped in exactly {@link
   * ExperimentGrid#FLIP} of them, chosen by a fixed seed (the paper's noisy-preference setting).
   */
  static void flip(Path from, Path to) throws IOException {
    List<String> lines = Files.readAllLines(from).stream().filter(l -> !l.isBlank()).toList();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new java.util.Random(new SplittableRandom(20).nextLong()));
    java.util.Set<Integer> flipped =
        new java.util.HashSet<>(
            order.subList(0, (int) Math.round(ExperimentGrid.FLIP * lines.size())));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (flipped.contains(i)) {
        ObjectNode row = (ObjectNode) JSON.readTree(line);
        JsonNode chosen = row.get("chosen");
        row.set("chosen", row.get("rejected"));
        row.set("rejected", chosen);
        line = JSON.writeValueAsString(row);
      }
      b.append(line).append('\n');
    }
    AtomicFiles.writeString(to, b.toString());
  }

  /** Runs every cell in order (each waits for the one before: 2 cores), then reads the tables. */
  static ExperimentTables.Report run(ExperimentGrid grid, Demo.Client client, PrintStream err)
      throws InterruptedException {
    int i = 0;
    for (ExperimentGrid.Cell c : grid.cells()) {
      i++;
      String id = client.submit(c.body(), "experiment-" + grid.name() + "-" + c.id());
      follow(
          client,
          id,
          String.format(Locale.ROOT, "[%d/%d] %s", i, grid.cells().size(), c.id()),
          err);
    }
    return tables(grid, client);
  }

  /** The gateway's tables of the experiment's stored runs, as they are now. */
  static ExperimentTables.Report tables(ExperimentGrid grid, Demo.Client client) {
    JsonNode tables = client.get("/api/experiments/" + grid.name());
    return JSON.treeToValue(tables, ExperimentTables.Report.class);
  }

  /** Follows one run to its end on one progress line; resumes it when it was interrupted. */
  private static void follow(Demo.Client client, String id, String label, PrintStream err)
      throws InterruptedException {
    ProgressBar bar = new ProgressBar(err);
    boolean resumed = false;
    while (true) {
      JsonNode run = client.get("/api/runs/" + id);
      String state = run.get("state").asString();
      int done = 0;
      int reused = 0;
      String current = "";
      for (JsonNode s : run.get("steps")) {
        if (s.get("state").asString().equals("SUCCEEDED")) {
          done++;
          reused += s.hasNonNull("reusedFrom") ? 1 : 0;
        } else if (current.isEmpty()) {
          current = s.get("name").asString();
        }
      }
      int total = run.get("steps").size();
      bar.update(label, done, total, state.equals("SUCCEEDED") ? reused + " reused" : current);
      switch (state) {
        case "SUCCEEDED" -> {
          return;
        }
        case "INTERRUPTED" -> {
          client.post("/api/runs/" + id + "/resume", java.util.Map.of(), null);
        }
        case "FAILED", "CANCELLED" -> {
          if (resumed) {
            throw new IllegalStateException(
                "cell " + label + " (run " + id + ") " + state + ": " + run.get("error"));
          }
          // a cell that failed on an earlier call is tried once more
          resumed = true;
          client.post("/api/runs/" + id + "/resume", java.util.Map.of(), null);
        }
        default -> {
          // queued or running
        }
      }
      Thread.sleep(500);
    }
  }
}
