package org.ugda.benchmark.overopt;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ugda.api.policy.Shaping;
import org.ugda.benchmark.sft.WorldCodec;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.core.model.Transformer;
import org.ugda.core.ppo.AdaptiveKlController;
import org.ugda.core.ppo.PpoBatch;
import org.ugda.core.ppo.PpoConfig;
import org.ugda.core.ppo.PpoTrainer;
import org.ugda.core.ppo.RolloutTensors;
import org.ugda.core.ppo.ValueHead;
import org.ugda.core.tensor.Rng;
import org.ugda.core.train.Adam;
import org.ugda.core.train.CosineSchedule;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.data.WorldData;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.text.Dialogue;
import org.ugda.world.vocab.WordLevelTokenizer;

/**
 * Reward over-optimisation in the benchmark world, in one process (Gao et al. 2023; the gap UGDA
 * closes, DESIGN.md section 5):
 *
 * <ol>
 *   <li>a proxy ensemble of K LoRA reward members is trained on the world's biased training pairs
 *       (or loaded, {@link ProxyEnsemble});
 *   <li>a fresh LoRA policy (r 8, alpha 64 on q_proj, v_proj) with a fresh value head is trained
 *       with core's classic PPO ({@link PpoTrainer}: 4 PPO epochs in minibatches, fixed beta,
 *       cosine learning rate) on the world's PPO prompts, sampling with top-p 0.9 at temperature 1;
 *       its score is the ensemble's mean reward ({@code mean}) or the gold reward ({@code gold});
 *   <li>every {@code evalEvery} steps, on held-out prompts, the policy's sampled responses give
 *       sqrt(KL to SFT) (mean over responses of the summed per-token log-ratio against the
 *       adapter-off reference), the proxy's mean reward and the gold mean reward.
 * </ol>
 *
 * The score PPO sees is standardised with the SFT model's own mean and standard deviation of that
 * reward on the held-out prompts (step 0), so that one beta and one learning rate mean the same for
 * both shapings (the members' scale is arbitrary, the gold's is [0, 1]); the curves report the raw
 * rewards.
 */
public final class OverOptimisation {
  private OverOptimisation() {}

  static final String POLICY = "policy";
  private static final int SCORE_BATCH = 64;

  /** One evaluation point. */
  public record Point(
      int step,
      double sqrtKl,
      double kl,
      double proxyMean,
      double goldMean,
      double words,
      double eosShare) {
    public String line() {
      return String.format(
          Locale.ROOT,
          "step %4d, sqrt_kl %.3f, proxy_mean %+.3f, gold_mean %.3f  (%.1f words, %.0f%% ended)",
          step,
          sqrtKl,
          proxyMean,
          goldMean,
          words,
          100 * eosShare);
    }
  }

  /** Progress of a run. */
  public interface Listener {
    /** A phase begins ("reward", "ppo"). */
    void phase(String name, int total);

    void progress(int done, int total, String detail);

    /** A line worth printing (ensemble accuracy, normalisation). */
    void info(String line);

    void point(Point p);
  }

  /** What a run measured, and where it wrote it. */
  public record Result(List<Point> points, Path csv, Path png, double seconds) {}

  public static Result run(
      Path world, Path modelDir, Path out, Path ensembleDir, OverOptConfig c, Listener l) {
    long t0 = System.nanoTime();
    DjlRuntime.engine();
    for (String f :
        List.of(WorldFiles.PAIRS_TRAIN, WorldFiles.PPO_PROMPTS, WorldFiles.EVAL_PROMPTS)) {
      if (!Files.isRegularFile(world.resolve(f))) {
        throw new IllegalArgumentException(
            world + " is not a generated world: " + f + " is missing (run ./ugda world generate)");
      }
    }
    List<WorldData.PromptItem> ppo = WorldData.prompts(world.resolve(WorldFiles.PPO_PROMPTS));
    List<WorldData.PromptItem> eval = WorldData.prompts(world.resolve(WorldFiles.EVAL_PROMPTS));
    eval = eval.subList(0, Math.min(c.evalPrompts(), eval.size()));
    ensureDir(out);
    try (Transformer m = Transformer.load(modelDir, Device.cpu());
        HfTokenizer tok = HfTokenizer.load(modelDir)) {
      WorldCodec codec = new WorldCodec(tok, 96);
      try (ProxyEnsemble ens = ensemble(m, codec, world, modelDir, ensembleDir, c, l)) {
        List<Point> points = ppo(m, codec, ens, ppo, eval, c, l);
        Path csv = out.resolve("overopt.csv");
        Path png = out.resolve("overopt.png");
        writeCsv(csv, points);
        OverOptPlot.write(png, points, c);
        writeRun(out.resolve("overopt.json"), world, modelDir, ensembleDir, c, t0);
        return new Result(points, csv, png, (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  /** Step 1: the proxy ensemble, trained on the biased pairs or loaded. */
  private static ProxyEnsemble ensemble(
      Transformer m,
      WorldCodec codec,
      Path world,
      Path modelDir,
      Path dir,
      OverOptConfig c,
      Listener l) {
    List<PreferencePair> train = PreferenceFiles.readHh(world.resolve(WorldFiles.PAIRS_TRAIN));
    ProxyEnsemble ens;
    if (ProxyEnsemble.exists(dir)) {
      l.info("loading the proxy ensemble of " + dir);
      ens = ProxyEnsemble.load(m, dir, c.members());
    } else {
      int perMember = ProxyEnsemble.steps(train.size(), c.rewardEpochs());
      l.phase("reward", perMember * c.members());
      ens =
          ProxyEnsemble.train(
              m,
              codec,
              train,
              dir,
              c.members(),
              c.rewardEpochs(),
              c.rewardLr(),
              c.seed(),
              modelDir.toAbsolutePath().toString(),
              (member, members, step, total, loss, acc) ->
                  l.progress(
                      member * total + step,
                      members * total,
                      String.format(
                          Locale.ROOT, "member %d loss %.3f acc %.3f", member, loss, acc)));
    }
    Path test = world.resolve(WorldFiles.PAIRS_TEST);
    if (Files.isRegularFile(test)) {
      List<PreferencePair> testPairs = PreferenceFiles.readHh(test);
      l.info(
          String.format(
              Locale.ROOT,
              "proxy ensemble (%d members): accuracy %.3f on training pairs (biased), %.3f on"
                  + " test pairs (unbiased); prefers the longer answer in %.3f of test pairs",
              ens.members(),
              ens.accuracy(codec, train.subList(0, Math.min(600, train.size())), SCORE_BATCH),
              ens.accuracy(codec, testPairs, SCORE_BATCH),
              longerPreferred(ens, codec, testPairs)));
    }
    return ens;
  }

  private static double longerPreferred(
      ProxyEnsemble ens, WorldCodec codec, List<PreferencePair> pairs) {
    List<PreferencePair> oriented = new ArrayList<>();
    for (PreferencePair p : pairs) {
      int a = Dialogue.words(p.chosen()).length;
      int b = Dialogue.words(p.rejected()).length;
      if (a != b) {
        oriented.add(a > b ? p : p.flipped());
      }
    }
    return oriented.isEmpty() ? Double.NaN : ens.accuracy(codec, oriented, SCORE_BATCH);
  }

  /** Steps 2 and 3: PPO against the chosen score, evaluated along the way. */
  private static List<Point> ppo(
      Transformer m,
      WorldCodec codec,
      ProxyEnsemble ens,
      List<WorldData.PromptItem> ppo,
      List<WorldData.PromptItem> eval,
      OverOptConfig c,
      Listener l) {
    List<Integer> eos = m.config().eosTokenIds();
    LoraConfig policy = new LoraConfig(8, 64, List.of("q_proj", "v_proj"), 0.0, false, null);
    m.addAdapter(POLICY, policy, Rng.mix(c.seed() * 31 + 7));
    int perStep = (c.batch() + c.minibatch() - 1) / c.minibatch();
    PpoConfig pc = PpoConfig.classic(c.minibatch(), c.seed());
    int totalUpdates = c.steps() * pc.ppoEpochs() * perStep;
    CosineSchedule lr = new CosineSchedule(c.lr(), c.lr() / 10, 0, totalUpdates);
    List<Point> points = new ArrayList<>();
    try (ValueHead head = ValueHead.initialise(m, c.seed() + 17);
        PpoTrainer t =
            new PpoTrainer(
                    m, POLICY, head, pc, AdaptiveKlController.fixed(c.beta()), Adam.Hyper.paper())
                .forwardBatch(SCORE_BATCH)) {
      Evaluation e0 = evaluate(m, codec, ens, t, eval, c, eos, 0);
      points.add(e0.point());
      l.point(e0.point());
      double[] ref = c.shaping() == Shaping.MEAN ? e0.proxy() : e0.gold();
      double mu = mean(ref);
      double sd = Math.max(1e-6, Math.sqrt(variance(ref, mu)));
      l.info(
          String.format(
              Locale.ROOT,
              "PPO against the %s reward, standardised by the SFT model's mean %.4f and sd %.4f",
              c.shaping() == Shaping.MEAN ? "proxy ensemble's mean" : "gold",
              mu,
              sd));
      l.phase("ppo", c.steps());
      List<Integer> order = new ArrayList<>();
      SplittableRandom rng = Rng.stream(c.seed(), "overopt-prompts");
      int next = 0;
      for (int step = 1; step <= c.steps(); step++) {
        List<WorldData.PromptItem> items = new ArrayList<>();
        for (int i = 0; i < c.batch(); i++) {
          if (next >= order.size()) {
            order = shuffled(ppo.size(), rng);
            next = 0;
          }
          items.add(ppo.get(order.get(next++)));
        }
        Rollout r = rollout(m, codec, ens, items, c, eos, Rng.mix(c.seed() * 1_000_003L + step));
        double[] raw = c.shaping() == Shaping.MEAN ? r.proxy() : r.gold();
        double[] score = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
          score[i] = (raw[i] - mu) / sd;
        }
        RolloutTensors ro = t.rollout(r.batch(), score);
        PpoTrainer.StepStats s = t.step(ro, k -> lr.at((int) k), null);
        l.progress(
            step,
            c.steps(),
            String.format(
                Locale.ROOT,
                "proxy %+.3f gold %.3f kl %.2f lr %.1e",
                mean(r.proxy()),
                mean(r.gold()),
                ro.klObjective(),
                s.learningRate()));
        if (step % c.evalEvery() == 0 || step == c.steps()) {
          Point p = evaluate(m, codec, ens, t, eval, c, eos, step).point();
          points.add(p);
          l.point(p);
        }
      }
    } finally {
      m.removeAdapter(POLICY);
    }
    return points;
  }

  /** A sampled batch: the PPO rows and both rewards of each response. */
  private record Rollout(PpoBatch batch, double[] proxy, double[] gold, List<String> texts) {}

  private static Rollout rollout(
      Transformer m,
      WorldCodec codec,
      ProxyEnsemble ens,
      List<WorldData.PromptItem> items,
      OverOptConfig c,
      List<Integer> eos,
      long seed) {
    List<long[]> prompts = new ArrayList<>();
    for (WorldData.PromptItem p : items) {
      prompts.add(codec.prompt(p.prompt()));
    }
    Generator.Result g =
        Generator.generate(m, POLICY, prompts, GenerationConfig.paper(c.maxNewTokens(), seed, eos));
    List<long[]> responses = g.tokens();
    List<long[]> scored = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    double[] gold = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      long[] q = prompts.get(i);
      long[] a = responses.get(i);
      // the members were trained on <s> prompt response </s>: a response cut at the length limit
      // is closed with </s> for them as well
      boolean ended = g.finish().get(i) == Generator.Finish.EOS;
      long[] s = new long[q.length + a.length + (ended ? 0 : 1)];
      System.arraycopy(q, 0, s, 0, q.length);
      System.arraycopy(a, 0, s, q.length, a.length);
      if (!ended) {
        s[s.length - 1] = WordLevelTokenizer.EOS;
      }
      scored.add(s);
      String text = codec.decode(a);
      texts.add(text);
      gold[i] = GoldReward.of(items.get(i).prompt(), text);
    }
    double[] proxy = ens.mean(scored, SCORE_BATCH);
    return new Rollout(PpoBatch.of(prompts, responses), proxy, gold, texts);
  }

  private record Evaluation(Point point, double[] proxy, double[] gold) {}

  /** Step 3: the policy on held-out prompts, with the same sampling seed at every point. */
  private static Evaluation evaluate(
      Transformer m,
      WorldCodec codec,
      ProxyEnsemble ens,
      PpoTrainer t,
      List<WorldData.PromptItem> eval,
      OverOptConfig c,
      List<Integer> eos,
      int step) {
    List<double[]> proxy = new ArrayList<>();
    List<double[]> gold = new ArrayList<>();
    double klSum = 0;
    double words = 0;
    int ended = 0;
    for (int from = 0; from < eval.size(); from += SCORE_BATCH) {
      List<WorldData.PromptItem> part =
          eval.subList(from, Math.min(eval.size(), from + SCORE_BATCH));
      Rollout r = rollout(m, codec, ens, part, c, eos, Rng.mix(c.seed() + 99_991L * (from + 1)));
      proxy.add(r.proxy());
      gold.add(r.gold());
      PpoBatch b = r.batch();
      float[] lp = t.evaluate(b, POLICY, false)[0];
      float[] ref = t.evaluate(b, null, false)[0];
      int w = b.width();
      for (int row = 0; row < b.rows(); row++) {
        for (int j = 0; j < b.responseLen()[row]; j++) {
          klSum += lp[row * w + j] - ref[row * w + j];
        }
        long[] resp = b.response(row);
        ended += resp[resp.length - 1] == WordLevelTokenizer.EOS ? 1 : 0;
      }
      for (String s : r.texts()) {
        words += Dialogue.words(s).length;
      }
    }
    double[] p = concat(proxy);
    double[] g = concat(gold);
    int n = p.length;
    double kl = klSum / n;
    Point pt =
        new Point(
            step, Math.sqrt(Math.max(0, kl)), kl, mean(p), mean(g), words / n, ended / (double) n);
    return new Evaluation(pt, p, g);
  }

  static void writeCsv(Path csv, List<Point> points) {
    StringBuilder sb = new StringBuilder("step,sqrt_kl,kl,proxy_mean,gold_mean,words,eos_share\n");
    for (Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.4f%n",
              p.step(),
              p.sqrtKl(),
              p.kl(),
              p.proxyMean(),
              p.goldMean(),
              p.words(),
              p.eosShare()));
    }
    AtomicFiles.writeString(csv, sb.toString());
  }

  private static void writeRun(
      Path file, Path world, Path model, Path ensemble, OverOptConfig c, long t0) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "ugda world overopt");
    m.put("world", world.toAbsolutePath().toString());
    m.put("model", model.toAbsolutePath().toString());
    m.put("ensemble", ensemble.toAbsolutePath().toString());
    m.put("config", c);
    m.put("seconds", (System.nanoTime() - t0) / 1e9);
    m.put("engine", "PyTorch " + DjlRuntime.engine().getVersion());
    m.put("code_version", OverOptimisation.class.getPackage().getImplementationVersion());
    AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(m));
  }

  private static List<Integer> shuffled(int n, SplittableRandom r) {
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      p.add(i);
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Integer x = p.get(i);
      p.set(i, p.get(j));
      p.set(j, x);
    }
    return p;
  }

  private static double[] concat(List<double[]> parts) {
    int n = parts.stream().mapToInt(a -> a.length).sum();
    double[] out = new double[n];
    int at = 0;
    for (double[] a : parts) {
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }

  static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  private static double variance(double[] a, double mu) {
    double s = 0;
    for (double v : a) {
      s += (v - mu) * (v - mu);
    }
    return s / Math.max(1, a.length - 1);
  }

  static void ensureDir(Path out) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
  }
}
