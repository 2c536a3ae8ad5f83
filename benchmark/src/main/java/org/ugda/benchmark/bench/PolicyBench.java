package org.ugda.benchmark.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.AdapterStack;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.ppo.AdaptiveKlController;
import org.ugda.core.ppo.KlEstimator;
import org.ugda.core.ppo.PpoBatch;
import org.ugda.core.ppo.PpoConfig;
import org.ugda.core.ppo.PpoTrainer;
import org.ugda.core.ppo.RolloutTensors;
import org.ugda.core.ppo.ValueHead;
import org.ugda.core.tensor.NdData;
import org.ugda.core.train.Adam;

/**
 * {@code ugda bench policy}: the policy loop on the benchmark world's SFT model, from one run.
 *
 * <ol>
 *   <li>rollouts per second with the KV cache against without it (same prompts, same seeds);
 *   <li>one PPO iteration (generate, score with 3 LoRA reward members in one {@link AdapterStack}
 *       pass, rollout forwards, 4 PPO epochs of minibatches of 8) timed per phase, beside the same
 *       iteration in PyTorch ({@code tools/ppo_peer.py}) run as a subprocess of this run;
 *   <li>Java's PPO epochs on the peer's saved rollout from the peer's saved initial weights: per
 *       minibatch update, both implementations' losses;
 *   <li>gradient features are left to {@code ugda bench features} (a pointer is printed).
 * </ol>
 *
 * <p>Arguments: {@code --model DIR} (default /work/world-sft), {@code --prompts FILE} (default
 * /work/world-prompts.json, tools/world_prompts.py), {@code --python PY} (or env {@code
 * UGDA_PEER_PYTHON}; default /work/venv-peer/bin/python where it exists), {@code --peer-script
 * FILE} (default tools/ppo_peer.py under env {@code UGDA_ROOT} or the working directory), {@code
 * --work DIR} (the peer's files; default a fresh temporary directory), {@code --no-peer}. System
 * property {@code ugda.threads}: libtorch threads here and {@code --threads} of the peer.
 */
public final class PolicyBench {
  private PolicyBench() {}

  static final int BATCH = 64;
  static final int MAX_NEW = 32;
  static final double TOP_P = 0.9;
  static final int MEMBERS = 3;
  static final int EPOCHS = 4;
  static final int MINIBATCH = 8;
  static final double LR = 1e-5;
  static final double BETA = 0.1;
  static final long SEED = 0;
  static final List<Integer> EOS = List.of(2);
  static final String POLICY = "policy";

  /** The peer's settings, which are this bench's: the same iteration on both sides. */
  static LoraConfig lora(String head) {
    return new LoraConfig(8, 64, List.of("q_proj", "v_proj"), 0.0, false, head);
  }

  static PpoConfig ppoConfig() {
    // classic TRL formulas, fixed minibatch order, no clipping: the peer's defaults
    return new PpoConfig(1.0, 0.95, KlEstimator.K1, 0.2, 0.2, 0.1, EPOCHS, MINIBATCH, false, 0, 0);
  }

  static Adam.Hyper hyper() {
    return new Adam.Hyper(0.9, 0.95, 1e-8, 0.0);
  }

  record Args(Path model, Path prompts, String python, Path peerScript, Path work, boolean peer) {}

  public static void main(String[] argv) throws Exception {
    Args a = parse(argv);
    int threads = Integer.getInteger("ugda.threads", 1);
    DjlRuntime.setThreads(threads);
    System.out.printf(
        Locale.ROOT,
        "# policy bench: %d libtorch thread(s), %d cores, %s; model %s; load average %.2f%n",
        threads,
        Runtime.getRuntime().availableProcessors(),
        DjlRuntime.engine().getVersion(),
        a.model(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<long[]> prompts = prompts(a.prompts(), BATCH);
    try (Transformer model = Transformer.load(a.model(), Device.cpu())) {
      LoraAdapter policy = model.addAdapter(POLICY, lora(null), SEED);
      System.out.printf(
          Locale.ROOT,
          "## %d layers x %d, vocab %d; policy LoRA r=%d alpha=%.0f on %s (%,d parameters);"
              + " batch %d, prompts %d-%d tokens%n",
          model.config().numLayers(),
          model.config().hiddenSize(),
          model.config().vocabSize(),
          policy.config().rank(),
          policy.config().alpha(),
          policy.config().targetModules(),
          policy.parameterCount(),
          BATCH,
          prompts.stream().mapToInt(p -> p.length).min().orElse(0),
          prompts.stream().mapToInt(p -> p.length).max().orElse(0));
      List<String> members = rewardMembers(model);
      warmUp(model, prompts, members);
      generation(model, prompts);
      Map<String, Double> java = iteration(model, prompts, members);
      Peer peer = a.peer() ? runPeer(a, threads) : Peer.skipped("--no-peer");
      compare(java, peer);
      if (peer.report() != null) {
        sameRollout(model, peer);
      } else {
        System.out.println(
            "\n## same rollout, same losses: skipped (needs the peer's rollout: "
                + peer.why()
                + ")");
      }
    }
    System.out.println(
        "\n## gradient features: not repeated here; run `./ugda bench features` (features/s at"
            + " d = 8192 on this world's small model with the same q/v LoRA policy)");
  }

  // ------------------------------------------------------------------ set-up

  static Args parse(String[] argv) {
    Path model = Path.of("/work/world-sft");
    Path prompts = Path.of("/work/world-prompts.json");
    String python = System.getenv("UGDA_PEER_PYTHON");
    if (python == null || python.isBlank()) {
      python =
          Files.isExecutable(Path.of("/work/venv-peer/bin/python"))
              ? "/work/venv-peer/bin/python"
              : null;
    }
    String root = System.getenv("UGDA_ROOT");
    Path script = Path.of(root == null ? "." : root, "tools", "ppo_peer.py");
    Path work = null;
    boolean peer = true;
    for (int i = 0; i < argv.length; i++) {
      String k = argv[i];
      switch (k) {
        case "--model" -> model = Path.of(value(argv, ++i, k));
        case "--prompts" -> prompts = Path.of(value(argv, ++i, k));
        case "--python" -> python = value(argv, ++i, k);
        case "--peer-script" -> script = Path.of(value(argv, ++i, k));
        case "--work" -> work = Path.of(value(argv, ++i, k));
        case "--no-peer" -> peer = false;
        default -> {
          System.err.println(
              "usage: ugda bench policy [--model DIR] [--prompts FILE] [--python PY]"
                  + " [--peer-script FILE] [--work DIR] [--no-peer]");
          System.exit(2);
        }
      }
    }
    return new Args(model, prompts, python, script, work, peer);
  }

  private static String value(String[] argv, int i, String key) {
    if (i >= argv.length) {
      System.err.println(key + " needs a value");
      System.exit(2);
    }
    return argv[i];
  }

  static List<long[]> prompts(Path file, int n) throws IOException {
    JsonArray all =
        JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("prompts");
    if (all.size() < n) {
      throw new IllegalArgumentException(file + " has " + all.size() + " prompts, need " + n);
    }
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(longs(all.get(i).getAsJsonArray()));
    }
    return out;
  }

  static long[] longs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsLong();
    }
    return out;
  }

  /**
   * K random reward members with score heads on the same base, as the peer makes them: LoRA A as
   * PEFT initialises it, B and the head ~ N(0, 0.02) (the peer draws them from torch seeds 0..K-1,
   * so the values differ; the work does not).
   */
  static List<String> rewardMembers(Transformer model) {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < MEMBERS; k++) {
      String name = "reward-" + k;
      LoraAdapter ad = model.addAdapter(name, lora("score"), 100 + k);
      SplittableRandom r = new SplittableRandom(1000 + k);
      for (NamedArray p : ad.parameters()) {
        if (p.name().contains("lora_B")) {
          float[] b = new float[(int) p.array().size()];
          for (int i = 0; i < b.length; i++) {
            b[i] = (float) (0.02 * r.nextGaussian());
          }
          try (NDManager scope = model.newScope()) {
            p.array().addi(NdData.floats(scope, b, p.array().getShape()));
          }
        }
      }
      names.add(name);
    }
    return names;
  }

  /**
   * Untimed, as the peer's warm-up: a 4-token generate on two rows, a score of them, a forward and
   * backward (and one Adam step) on two rows, through a throw-away adapter.
   */
  static void warmUp(Transformer model, List<long[]> prompts, List<String> members) {
    long t0 = System.nanoTime();
    String name = "warm-up";
    model.addAdapter(name, lora(null), 7);
    try (AdapterStack stack = AdapterStack.of(model, members);
        ValueHead head = ValueHead.initialise(model, 7)) {
      List<long[]> two = prompts.subList(0, 2);
      Generator.Result g =
          Generator.generate(model, name, two, GenerationConfig.paper(4, SEED, EOS));
      PpoBatch b = PpoBatch.of(two, g.tokens());
      double[] s = score(model, stack, b);
      try (PpoTrainer t =
          new PpoTrainer(
              model, name, head, ppoConfig(), AdaptiveKlController.fixed(BETA), hyper())) {
        RolloutTensors ro = t.rollout(b, s);
        t.update(ro, new int[] {0, 1}, LR);
      }
    } finally {
      model.removeAdapter(name);
    }
    System.out.printf(
        Locale.ROOT, "(untimed warm-up %.2f s, as the peer's)%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Mean over members of each row's score, from one stacked pass: [rows]. */
  static double[] score(Transformer model, AdapterStack stack, PpoBatch batch) {
    int rows = batch.rows();
    int k = stack.members();
    float[] s;
    try (NDManager scope = model.newScope()) {
      NDArray scores =
          model
              .forward(
                  scope,
                  TokenBatch.rightPadded(batch.sequences(), pad(model)),
                  ForwardOptions.stackedScores(stack))
              .scores();
      s = scores.toFloatArray(); // member i's rows at i*B..i*B+B-1
    }
    double[] out = new double[rows];
    for (int b = 0; b < rows; b++) {
      float sum = 0;
      for (int i = 0; i < k; i++) {
        sum += s[i * rows + b];
      }
      out[b] = sum / k; // float mean, as torch's
    }
    return out;
  }

  static long pad(Transformer model) {
    return Math.max(0, model.config().padTokenId());
  }

  static GenerationConfig sampling(boolean cache) {
    return new GenerationConfig(MAX_NEW, 1.0, 0, TOP_P, SEED, EOS, cache);
  }

  // ------------------------------------------------------------------ 1. KV cache

  static void generation(Transformer model, List<long[]> prompts) {
    System.out.printf(
        Locale.ROOT,
        "%n## 1. rollouts/s, batch %d, up to %d new tokens, top-p %.1f, same seeds%n",
        BATCH,
        MAX_NEW,
        TOP_P);
    Generator.Result[] res = new Generator.Result[2];
    double[] secs = new double[2];
    for (int rep = 0; rep < 2; rep++) { // best of 2, alternating, each run
      for (int c = 0; c < 2; c++) {
        long t0 = System.nanoTime();
        Generator.Result r = Generator.generate(model, POLICY, prompts, sampling(c == 0));
        double s = (System.nanoTime() - t0) / 1e9;
        if (res[c] == null || s < secs[c]) {
          secs[c] = s;
        }
        res[c] = r;
      }
    }
    int differ = 0;
    for (int b = 0; b < BATCH; b++) {
      if (!Arrays.equals(res[0].tokens().get(b), res[1].tokens().get(b))) {
        differ++;
      }
    }
    for (int c = 0; c < 2; c++) {
      System.out.printf(
          Locale.ROOT,
          "%-22s %8.1f rollouts/s  (%.3f s, %d steps, %d tokens)%n",
          c == 0 ? "KV cache" : "no cache (baseline)",
          BATCH / secs[c],
          secs[c],
          res[c].steps(),
          res[c].totalTokens());
    }
    System.out.printf(
        Locale.ROOT,
        "RATIO rollouts/s cached / uncached = %.2f  (responses identical in %d of %d rows)%n",
        secs[1] / secs[0],
        BATCH - differ,
        BATCH);
  }

  // ------------------------------------------------------------------ 2. one iteration

  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  static Map<String, Double> iteration(
      Transformer model, List<long[]> prompts, List<String> members) {
    Map<String, Double> t = new LinkedHashMap<>();
    double cpu0 = cpuSeconds();
    try (AdapterStack stack = AdapterStack.of(model, members);
        ValueHead head = ValueHead.initialise(model, SEED);
        PpoTrainer trainer =
            new PpoTrainer(
                model, POLICY, head, ppoConfig(), AdaptiveKlController.fixed(BETA), hyper())) {
      trainer.forwardBatch(BATCH);
      long t0 = System.nanoTime();
      Generator.Result g = Generator.generate(model, POLICY, prompts, sampling(true));
      PpoBatch batch = PpoBatch.of(prompts, g.tokens());
      long t1 = System.nanoTime();
      double[] scores = score(model, stack, batch);
      long t2 = System.nanoTime();
      RolloutTensors ro = trainer.rollout(batch, scores);
      long t3 = System.nanoTime();
      trainer.step(ro, step -> LR, null);
      long t4 = System.nanoTime();
      t.put("generate", (t1 - t0) / 1e9);
      t.put("score", (t2 - t1) / 1e9);
      t.put("rollout", (t3 - t2) / 1e9);
      t.put("ppo_epochs", (t4 - t3) / 1e9);
      t.put("total", (t4 - t0) / 1e9);
      t.put("cpu_total", cpuSeconds() - cpu0);
      t.put("tokens", (double) batch.responseTokens());
    }
    return t;
  }

  // ------------------------------------------------------------------ the peer

  record Peer(JsonObject report, Path rollout, Path init, String why, String log) {
    static Peer skipped(String why) {
      return new Peer(null, null, null, why, "");
    }
  }

  static Peer runPeer(Args a, int threads) throws IOException, InterruptedException {
    if (a.python() == null) {
      return Peer.skipped(
          "no python: give --python PY or UGDA_PEER_PYTHON (one with torch, transformers, peft)");
    }
    if (!Files.isRegularFile(a.peerScript())) {
      return Peer.skipped(a.peerScript() + " not found (set UGDA_ROOT or --peer-script)");
    }
    Proc check =
        exec(
            List.of(a.python(), "-c", "import torch, transformers, peft, safetensors"),
            threads,
            120);
    if (check.rc() != 0) {
      return Peer.skipped(
          a.python()
              + " cannot import torch/transformers/peft/safetensors: "
              + lastLine(check.out()));
    }
    Path work = a.work() != null ? a.work() : Files.createTempDirectory("ugda-policy-bench");
    Files.createDirectories(work);
    Path out = work.resolve("peer.json");
    Path rollout = work.resolve("rollout.json");
    Path init = work.resolve("init");
    List<String> cmd =
        List.of(
            a.python(),
            a.peerScript().toString(),
            "--model",
            a.model().toString(),
            "--prompts",
            a.prompts().toString(),
            "--batch",
            String.valueOf(BATCH),
            "--max-new-tokens",
            String.valueOf(MAX_NEW),
            "--top-p",
            String.valueOf(TOP_P),
            "--temperature",
            "1.0",
            "--reward-adapters",
            String.valueOf(MEMBERS),
            "--ppo-epochs",
            String.valueOf(EPOCHS),
            "--minibatch",
            String.valueOf(MINIBATCH),
            "--lr",
            String.valueOf(LR),
            "--beta",
            String.valueOf(BETA),
            "--seed",
            String.valueOf(SEED),
            "--threads",
            String.valueOf(threads),
            "--out",
            out.toString(),
            "--rollout-out",
            rollout.toString(),
            "--save-init",
            init.toString());
    System.out.println("\n(peer: " + String.join(" ", cmd) + ")");
    Proc p = exec(cmd, threads, 900);
    if (p.rc() != 0 || !Files.isRegularFile(out)) {
      return Peer.skipped("the peer exited with " + p.rc() + ": " + lastLine(p.out()));
    }
    JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    return new Peer(report, rollout, init, null, p.out());
  }

  record Proc(int rc, String out) {}

  static Proc exec(List<String> cmd, int threads, long timeoutS)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
    pb.environment().put("MKL_NUM_THREADS", String.valueOf(threads));
    Process pr;
    try {
      pr = pb.start();
    } catch (IOException e) {
      return new Proc(127, e.getMessage());
    }
    StringBuilder sb = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(pr.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        sb.append(line).append('\n');
      }
    }
    if (!pr.waitFor(timeoutS, TimeUnit.SECONDS)) {
      pr.destroyForcibly();
      return new Proc(124, sb + "timed out");
    }
    return new Proc(pr.exitValue(), sb.toString());
  }

  static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1];
  }

  static void compare(Map<String, Double> java, Peer peer) {
    System.out.printf(
        Locale.ROOT,
        "%n## 2. one PPO iteration, batch %d: generate (KV cache, top-p %.1f, <= %d new tokens),"
            + " score (%d LoRA members, one stacked pass), rollout forwards, %d PPO epochs x %d"
            + " minibatches of %d (lr %.0e, beta %.1f, no shuffle, no clipping)%n",
        BATCH,
        TOP_P,
        MAX_NEW,
        MEMBERS,
        EPOCHS,
        BATCH / MINIBATCH,
        MINIBATCH,
        LR,
        BETA);
    JsonObject pt = peer.report() == null ? null : peer.report().getAsJsonObject("timings_s");
    JsonObject pc = peer.report() == null ? null : peer.report().getAsJsonObject("cpu_s");
    System.out.printf(
        Locale.ROOT, "%-26s %9s %11s %9s%n", "phase", "Java s", "PyTorch s", "Py/Java");
    String[][] rows = {
      {"generate", "generate"},
      {"score", "score"},
      {"rollout", "rollout_forward+advantages"},
      {"ppo_epochs", "ppo_epochs"},
      {"total", "total"}
    };
    for (String[] r : rows) {
      double j = java.get(r[0]);
      Double p = pt == null ? null : peerSum(pt, r[1]);
      System.out.printf(
          Locale.ROOT,
          "%-26s %9.3f %11s %9s%n",
          r[0].equals("rollout") ? "rollout (forwards + GAE)" : r[0],
          j,
          p == null ? "-" : String.format(Locale.ROOT, "%.3f", p),
          p == null ? "-" : String.format(Locale.ROOT, "%.2f", p / j));
    }
    System.out.printf(
        Locale.ROOT,
        "tokens generated: Java %.0f, PyTorch %s; cpu/wall: Java %.2f, PyTorch %s%n",
        java.get("tokens"),
        peer.report() == null ? "-" : peer.report().get("tokens_generated").getAsString(),
        java.get("cpu_total") / java.get("total"),
        pc == null
            ? "-"
            : String.format(
                Locale.ROOT,
                "%.2f",
                pc.get("total").getAsDouble() / pt.get("total").getAsDouble()));
    if (pt == null) {
      System.out.println("PyTorch peer skipped: " + peer.why());
      System.out.println("RATIO PyTorch/Java (whole iteration): not measured (peer skipped)");
    } else {
      System.out.printf(
          Locale.ROOT,
          "RATIO PyTorch/Java (whole iteration) = %.2f  (>1: Java faster)%n",
          pt.get("total").getAsDouble() / java.get("total"));
    }
  }

  static Double peerSum(JsonObject t, String keys) {
    double s = 0;
    for (String k : keys.split("\\+")) {
      JsonElement e = t.get(k);
      if (e == null) {
        return null;
      }
      s += e.getAsDouble();
    }
    return s;
  }

  // ------------------------------------------------------------------ 3. same rollout

  static void sameRollout(Transformer model, Peer peer) throws IOException {
    JsonObject ri = JsonParser.parseString(Files.readString(peer.rollout())).getAsJsonObject();
    JsonArray ids = ri.getAsJsonArray("input_ids");
    JsonArray pl = ri.getAsJsonArray("prompt_len");
    JsonArray rl = ri.getAsJsonArray("response_len");
    JsonArray sc = ri.getAsJsonArray("scores");
    int rows = ids.size();
    List<long[]> seqs = new ArrayList<>();
    int[] p = new int[rows];
    int[] r = new int[rows];
    double[] scores = new double[rows];
    for (int b = 0; b < rows; b++) {
      p[b] = pl.get(b).getAsInt();
      r[b] = rl.get(b).getAsInt();
      seqs.add(Arrays.copyOf(longs(ids.get(b).getAsJsonArray()), p[b] + r[b]));
      scores[b] = sc.get(b).getAsDouble();
    }
    PpoBatch batch = new PpoBatch(seqs, p, r);
    String name = "peer-init";
    PeftAdapters.Loaded loaded = PeftAdapters.read(peer.init(), model.config());
    model.addAdapter(name, loaded.config(), loaded.tensors(), peer.init().toString());
    JsonArray theirs = peer.report().getAsJsonArray("ppo");
    List<PpoTrainer.Update> ours = new ArrayList<>();
    double tRollout;
    double tPpo;
    try (ValueHead head = ValueHead.read(model, peer.init().resolve("value-head.safetensors"));
        PpoTrainer trainer =
            new PpoTrainer(
                model, name, head, ppoConfig(), AdaptiveKlController.fixed(BETA), hyper())) {
      trainer.forwardBatch(BATCH);
      long t0 = System.nanoTime();
      RolloutTensors ro = trainer.rollout(batch, scores);
      long t1 = System.nanoTime();
      for (int e = 0; e < EPOCHS; e++) {
        for (int from = 0; from < rows; from += MINIBATCH) {
          int[] mb = new int[Math.min(MINIBATCH, rows - from)];
          for (int i = 0; i < mb.length; i++) {
            mb[i] = from + i;
          }
          ours.add(trainer.update(ro, mb, LR));
        }
      }
      long t2 = System.nanoTime();
      tRollout = (t1 - t0) / 1e9;
      tPpo = (t2 - t1) / 1e9;
    } finally {
      model.removeAdapter(name);
    }
    System.out.printf(
        Locale.ROOT,
        "%n## 3. same rollout, same losses: Java's PPO epochs on the peer's rollout (%d rows, %d"
            + " response tokens) from the peer's initial adapter and value head (%s)%n",
        rows,
        batch.responseTokens(),
        peer.init());
    System.out.printf(
        Locale.ROOT,
        "%-5s %12s %12s %12s %12s %12s %12s %10s %s%n",
        "e/m",
        "pg Java",
        "pg PyTorch",
        "vf Java",
        "vf PyTorch",
        "loss Java",
        "loss PyTorch",
        "max|a-b|",
        "tol");
    int firstFail = -1;
    double worst = 0;
    int n = Math.min(ours.size(), theirs.size());
    for (int i = 0; i < n; i++) {
      PpoTrainer.Update u = ours.get(i);
      JsonObject t = theirs.get(i).getAsJsonObject();
      double[] a = {u.pgLoss(), u.vfLoss(), u.loss()};
      double[] b = {
        t.get("pg_loss").getAsDouble(), t.get("vf_loss").getAsDouble(), t.get("loss").getAsDouble()
      };
      double diff = 0;
      boolean ok = true;
      for (int k = 0; k < 3; k++) {
        double d = Math.abs(a[k] - b[k]);
        diff = Math.max(diff, d);
        ok &= d <= 1e-4 + 1e-3 * Math.abs(b[k]);
      }
      worst = Math.max(worst, diff);
      if (!ok && firstFail < 0) {
        firstFail = i;
      }
      System.out.printf(
          Locale.ROOT,
          "%d/%-3d %12.7f %12.7f %12.7f %12.7f %12.7f %12.7f %10.2e %s%n",
          t.get("epoch").getAsInt(),
          t.get("minibatch").getAsInt(),
          a[0],
          b[0],
          a[1],
          b[1],
          a[2],
          b[2],
          diff,
          ok ? "ok" : "OUT");
    }
    System.out.printf(
        Locale.ROOT,
        "%d updates compared; within 1e-4 + 1e-3|b|: %s; largest difference %.2e%n",
        n,
        firstFail < 0
            ? "all"
            : "the first " + firstFail + " (update " + (firstFail + 1) + " is out)",
        worst);
    JsonObject pt = peer.report().getAsJsonObject("timings_s");
    double pr = pt.get("rollout_forward").getAsDouble() + pt.get("advantages").getAsDouble();
    double pp = pt.get("ppo_epochs").getAsDouble();
    System.out.printf(
        Locale.ROOT,
        "on this same rollout: rollout forwards + GAE Java %.3f s vs PyTorch %.3f s (%.2f);"
            + " PPO epochs Java %.3f s vs PyTorch %.3f s (RATIO PyTorch/Java %.2f)%n",
        tRollout,
        pr,
        pr / tRollout,
        tPpo,
        pp,
        pp / tPpo);
  }
}
