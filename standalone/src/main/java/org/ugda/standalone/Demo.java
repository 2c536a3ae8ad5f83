package org.ugda.standalone;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ugda.benchmark.cli.ProgressBar;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldFiles;
import org.ugda.world.WorldGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./ugda demo}: the README's main job. Makes the benchmark world and its SFT model under the
 * storage root where they are missing, starts every service and the gateway in this JVM on the
 * embedded PostgreSQL, runs {@code ppo} and {@code ugda} through the gateway's runs API with a
 * progress bar per step, prints their table beside the SFT model's, the dashboard's address, and
 * keeps serving until Ctrl-C ({@code --exit}: stops after the table).
 *
 * <p>A second demo on the same storage root and database reuses everything: the world and the SFT
 * model are on disk, and the runs are submitted with fixed idempotency keys, so the gateway answers
 * with the runs it already has (an interrupted one is resumed from its last finished step).
 */
public final class Demo {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The demo's sizes: world, SFT model and pipeline preset. */
  record Preset(String name, WorldConfig world, SftRecipe.Config sft, String pipeline) {
    static Preset of(String name, long seed) {
      return switch (name) {
        // a world of 600 training pairs and 128 PPO prompts on the tiny model: minutes on 2 cores;
        // 256 held-out prompts (the demo evaluates on the first 64, ./ugda experiments on all)
        case "default" ->
            new Preset(
                name,
                new WorldConfig(seed, 800, 600, 200, 128, 16, 256, 0.3, 0.8, 0.0),
                SftRecipe.Config.tiny(seed),
                "default");
        case "tiny" ->
            new Preset(
                name,
                new WorldConfig(seed, 800, 600, 200, 64, 16, 256, 0.3, 0.8, 0.0),
                SftRecipe.Config.tiny(seed),
                "tiny");
        default ->
            throw new IllegalArgumentException(
                "--preset must be default or tiny, got '" + name + "'");
      };
    }
  }

  private Demo() {}

  public static void main(String[] args) throws Exception {
    List<String> passOn = new ArrayList<>();
    String preset = "default";
    boolean exit = false;
    Path storage = Path.of(System.getenv().getOrDefault("UGDA_STORAGE_ROOT", "ugda-storage"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--exit" -> exit = true;
        case "--preset" -> preset = args[++i];
        case "--help", "-h" -> {
          System.out.println(
              "usage: ./ugda demo [--preset default|tiny] [--exit] [--server.port=N ...]");
          return;
        }
        default -> passOn.add(args[i]);
      }
    }
    long t0 = System.nanoTime();
    Preset p = Preset.of(preset, 1);
    PrintStream err = System.err;
    prepare(p, storage, err);
    passOn.add("--ugda.reward.storage-root=" + storage);
    passOn.add("--ugda.policy.storage-root=" + storage);
    passOn.add("--ugda.selection.storage-root=" + storage);
    passOn.add("--ugda.pipeline.storage-root=" + storage);
    String key = adminKey(err);
    passOn.add("--ugda.gateway.admin-key=" + key);
    err.println("demo: starting every service and the gateway in this JVM...");
    Standalone standalone = Standalone.startClosingOnShutdown(passOn.toArray(String[]::new));
    try {
      run(standalone, p, key, exit, t0);
    } catch (RuntimeException | InterruptedException e) {
      // the services' threads would keep the JVM alive after main fails: stop them, then fail
      standalone.close();
      throw e;
    }
  }

  private static void run(Standalone standalone, Preset p, String key, boolean exit, long t0)
      throws InterruptedException {
    PrintStream err = System.err;
    URI gateway = standalone.urls().get("gateway");
    Client client = new Client(gateway, key);
    Map<String, JsonNode> done = new LinkedHashMap<>();
    for (String method : List.of("ppo", "ugda")) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", "demo " + method);
      body.put("method", method);
      body.put("preset", p.pipeline());
      body.put("seed", 1);
      if (method.equals("ppo")) {
        body.put("budget", 0);
      }
      String id = client.submit(body, "demo-" + p.name() + "-" + method);
      done.put(method, follow(client, id, err));
    }
    System.out.print(table(done));
    System.out.printf(
        Locale.ROOT,
        "demo finished in %.1f min; dashboard: %s/ (sign in with the key in "
            + KEY_FILE
            + " or UGDA_ADMIN_KEY)  API docs: %s/swagger-ui.html%n",
        (System.nanoTime() - t0) / 60e9,
        gateway,
        gateway);
    if (exit) {
      standalone.close();
      return;
    }
    System.out.println("serving until Ctrl-C");
    Thread.currentThread().join();
  }

  /** Where the demo keeps its admin key when {@code UGDA_ADMIN_KEY} is not set. */
  static final Path KEY_FILE = Path.of(".ugda-demo-key");

  /**
   * The gateway's admin key: {@code UGDA_ADMIN_KEY}, or the one in {@link #KEY_FILE} (made on the
   * first demo, readable by its owner only). The demo never prints it.
   */
  static String adminKey(PrintStream err) throws IOException {
    String env = System.getenv("UGDA_ADMIN_KEY");
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (Files.isRegularFile(KEY_FILE)) {
      return Files.readString(KEY_FILE).trim();
    }
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    String key = "ugda_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.writeString(KEY_FILE, key + "\n");
    try {
      Files.setPosixFilePermissions(
          KEY_FILE, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // a file system without POSIX permissions keeps its defaults
    }
    err.println("demo: the gateway's admin key is in " + KEY_FILE.toAbsolutePath() + " (keep it)");
    return key;
  }

  /** The world and the SFT model, made where they are missing. */
  static void prepare(Preset p, Path storage, PrintStream err) {
    Path world = storage.resolve("world");
    Path sft = storage.resolve("models").resolve("world-sft");
    if (!Files.isRegularFile(world.resolve(WorldFiles.MANIFEST))) {
      ProgressBar bar = new ProgressBar(err);
      WorldGenerator.generate(p.world(), world, pct -> bar.update("world", pct, 100, ""));
    } else {
      err.println("demo: reusing the world in " + world);
    }
    if (!Files.isRegularFile(sft.resolve("model.safetensors"))) {
      ProgressBar[] bar = new ProgressBar[1];
      String[] phase = {""};
      SftRecipe.run(
          world,
          sft,
          p.sft(),
          new SftRecipe.Listener() {
            @Override
            public void phase(String name, int steps) {
              phase[0] = name;
              bar[0] = new ProgressBar(err);
            }

            @Override
            public void step(int step, int total, double loss) {
              bar[0].update(phase[0], step, total, String.format(Locale.ROOT, "loss %.3f", loss));
            }
          });
    } else {
      err.println("demo: reusing the SFT model in " + sft);
    }
  }

  /** Polls a run until it ends, with a progress bar per step; resumes an interrupted run. */
  static JsonNode follow(Client client, String id, PrintStream err) throws InterruptedException {
    Map<String, ProgressBar> bars = new LinkedHashMap<>();
    while (true) {
      JsonNode run = client.get("/api/runs/" + id);
      String state = run.get("state").asString();
      if (state.equals("INTERRUPTED") || state.equals("FAILED")) {
        err.println(
            "demo: run " + id + " was " + state + "; resuming it from its last finished step");
        try {
          client.post("/api/runs/" + id + "/resume", Map.of(), null);
        } catch (IllegalStateException alreadyGoing) {
          // the restarted gateway resumed it first (409): follow it
        }
        Thread.sleep(1000);
        continue;
      }
      for (JsonNode s : run.get("steps")) {
        String name = s.get("name").asString();
        String st = s.get("state").asString();
        if (st.equals("PENDING")) {
          continue;
        }
        ProgressBar bar = bars.computeIfAbsent(name, n -> new ProgressBar(err));
        int[] f = fraction(s);
        String detail = s.hasNonNull("reusedFrom") ? "reused" : st.toLowerCase(Locale.ROOT);
        bar.update(run.get("method").asString() + " " + name, f[0], f[1], detail);
      }
      if (state.equals("SUCCEEDED")) {
        return run;
      }
      if (state.equals("CANCELLED")) {
        throw new IllegalStateException("run " + id + " was cancelled");
      }
      Thread.sleep(1000);
    }
  }

  /** How far a step is, as done/total from what its service reports. */
  private static int[] fraction(JsonNode s) {
    if (s.get("state").asString().equals("SUCCEEDED")) {
      return new int[] {1, 1};
    }
    JsonNode p = s.get("progress");
    if (p != null && p.hasNonNull("totalSteps") && p.get("totalSteps").asInt() > 0) {
      return new int[] {p.get("finishedSteps").asInt(), p.get("totalSteps").asInt()};
    }
    if (p != null && p.hasNonNull("total") && p.get("total").asInt() > 0) {
      return new int[] {p.get("labelled").asInt(), p.get("total").asInt()};
    }
    if (p != null && p.hasNonNull("progress")) {
      return new int[] {(int) Math.round(100 * p.get("progress").asDouble()), 100};
    }
    return new int[] {0, 1};
  }

  /** SFT, PPO and UGDA: gold reward mean and variance per subtask, accuracy, samples relabelled. */
  static String table(Map<String, JsonNode> runs) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%n%-6s | %-20s | %-20s | %-20s | %-9s | %s%n",
            "method",
            "gold helpful",
            "gold harmless",
            "gold all",
            "RM acc.",
            "relabelled"));
    b.append("-".repeat(98)).append('\n');
    JsonNode first = runs.values().iterator().next().get("results");
    row(b, "SFT", first.get("sft"), null, 0);
    for (Map.Entry<String, JsonNode> e : runs.entrySet()) {
      JsonNode r = e.getValue().get("results");
      Double acc = null;
      int newest = 0;
      for (var a : r.get("accuracy").properties()) {
        int v = Integer.parseInt(a.getKey());
        if (v > newest) {
          newest = v;
          acc = a.getValue().asDouble();
        }
      }
      row(
          b,
          e.getKey().toUpperCase(Locale.ROOT),
          r.get("policy"),
          acc,
          r.get("relabelled").asInt());
    }
    b.append(
        "gold: the world's gold reward in [0, 1] of each policy's answers to held-out prompts, mean ±"
            + " variance (n); RM acc.: the final ensemble's accuracy on held-out preference pairs\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, JsonNode gold, Double acc, int relabelled) {
    b.append(String.format(Locale.ROOT, "%-6s", name));
    for (String s : List.of("helpful", "harmless", "all")) {
      JsonNode g = gold.get(s);
      b.append(
          g == null
              ? String.format(Locale.ROOT, " | %-20s", "-")
              : String.format(
                  Locale.ROOT,
                  " | %.3f ± %.3f (%3d)  ",
                  g.get("mean").asDouble(),
                  g.get("variance").asDouble(),
                  g.get("n").asInt()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            " | %-9s | %d%n",
            acc == null ? "-" : String.format(Locale.ROOT, "%.3f", acc),
            relabelled));
  }

  /** The gateway's runs API over plain HTTP, as any client would call it. */
  static final class Client {
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String key;

    Client(URI base, String key) {
      this.base = base;
      this.key = key;
    }

    String submit(Map<String, Object> body, String idempotencyKey) {
      JsonNode run = post("/api/runs", body, idempotencyKey);
      return run.get("id").asString();
    }

    JsonNode get(String path) {
      return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path, Object body, String idempotencyKey) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (idempotencyKey != null) {
        b.header("Idempotency-Key", idempotencyKey);
      }
      return send(b);
    }

    /** Retry-After in seconds; 5 where it is a date or not a number. */
    private static long seconds(String retryAfter) {
      try {
        return Long.parseLong(retryAfter.trim());
      } catch (NumberFormatException notSeconds) {
        return 5;
      }
    }

    private JsonNode send(HttpRequest.Builder b) {
      if (key != null && !key.isBlank()) {
        b.header("Authorization", "Bearer " + key);
      }
      try {
        HttpRequest request = b.timeout(Duration.ofMinutes(2)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        // the key's rate limit (429): wait as long as the gateway says, then ask again
        for (int tries = 0; r.statusCode() == 429 && tries < 20; tries++) {
          long wait = r.headers().firstValue("Retry-After").map(Client::seconds).orElse(5L);
          Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(wait, 120))).toMillis());
          r = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() >= 400) {
          throw new IllegalStateException(
              "the gateway answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
