package org.ugda.benchmark.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ugda.api.policy.Shaping;
import org.ugda.benchmark.eval.GoldEvaluation;
import org.ugda.benchmark.overopt.OverOptConfig;
import org.ugda.benchmark.overopt.OverOptimisation;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.benchmark.sft.WorldCodec;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Transformer;
import org.ugda.world.Vocabulary;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldFiles;
import org.ugda.world.WorldGenerator;
import org.ugda.world.data.WorldData;

/**
 * {@code ugda world generate|train-sft|eval|overopt}: the benchmark world from the command line.
 */
public final class WorldCommand {
  private WorldCommand() {}

  /**
   * The help text, from {@code world-usage.txt} beside this class: {@code ./ugda world --help}
   * prints the same file without building anything.
   */
  static final String USAGE = usage();

  private static String usage() {
    try (InputStream in = WorldCommand.class.getResourceAsStream("world-usage.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("world-usage.txt is missing from the benchmark jar", e);
    }
  }

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    Args a = new Args(args);
    return switch (args[0]) {
      case "generate" -> generate(a);
      case "train-sft" -> trainSft(a);
      case "eval" -> eval(a);
      case "overopt" -> overopt(a);
      default ->
          throw new IllegalArgumentException("unknown world command '" + args[0] + "'\n" + USAGE);
    };
  }

  static int generate(Args a) {
    Path out = a.path("--out");
    long seed = a.longOr("--seed", 1);
    WorldConfig c =
        a.stringOr("--preset", "small").equals("tiny")
            ? WorldConfig.tiny(seed)
            : WorldConfig.small(seed);
    c = c.withFlip(a.doubleOr("--flip", 0.0));
    a.done();
    ProgressBar bar = new ProgressBar(System.err);
    long t0 = System.nanoTime();
    WorldGenerator.generate(c, out, pct -> bar.update("generate", pct, 100, ""));
    System.out.printf(
        Locale.ROOT,
        "wrote world (seed %d, flip %.2f) to %s in %.1f s%n",
        seed,
        c.flip(),
        out,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  static int trainSft(Args a) {
    Path data = a.path("--data");
    Path out = a.path("--out");
    long seed = a.longOr("--seed", 1);
    String preset = a.stringOr("--preset", "small");
    a.done();
    SftRecipe.Config c =
        preset.equals("tiny") ? SftRecipe.Config.tiny(seed) : SftRecipe.Config.small(seed);
    ProgressBar[] bar = new ProgressBar[1];
    String[] phase = {""};
    SftRecipe.Result r =
        SftRecipe.run(
            data,
            out,
            c,
            new SftRecipe.Listener() {
              @Override
              public void phase(String name, int steps) {
                phase[0] = name;
                bar[0] = new ProgressBar(System.err);
              }

              @Override
              public void step(int step, int total, double loss) {
                bar[0].update(phase[0], step, total, String.format(Locale.ROOT, "loss %.3f", loss));
              }
            });
    System.out.printf(
        Locale.ROOT,
        "pretrain loss %.3f -> %.3f; SFT objective (response tokens) %.3f -> %.3f; wrote %s in %.1f s%n",
        r.pretrain().firstLoss(),
        r.pretrain().finalLoss(),
        r.sftLossBefore(),
        r.sftLossAfter(),
        out,
        r.seconds());
    evaluate(data, out, 256);
    return 0;
  }

  static int eval(Args a) {
    Path data = a.path("--data");
    Path model = a.path("--model");
    int n = a.intOr("--samples", 256);
    a.done();
    evaluate(data, model, n);
    return 0;
  }

  static int overopt(Args a) {
    Path data = a.path("--data");
    Path model = a.path("--model");
    Path out = a.path("--out");
    long seed = a.longOr("--seed", 1);
    OverOptConfig d = OverOptConfig.defaults(seed);
    String ensemble = a.stringOr("--ensemble", null);
    OverOptConfig c =
        new OverOptConfig(
            seed,
            a.intOr("--steps", d.steps()),
            a.intOr("--batch", d.batch()),
            a.intOr("--minibatch", d.minibatch()),
            a.intOr("--members", d.members()),
            Shaping.of(a.stringOr("--shaping", d.shaping().wire())),
            a.intOr("--eval-every", d.evalEvery()),
            a.intOr("--eval-prompts", d.evalPrompts()),
            a.doubleOr("--lr", d.lr()),
            a.doubleOr("--beta", d.beta()),
            a.intOr("--max-new-tokens", d.maxNewTokens()),
            a.intOr("--reward-epochs", d.rewardEpochs()),
            a.doubleOr("--reward-lr", d.rewardLr()));
    a.done();
    Path ens = ensemble == null ? out.resolve("ensemble") : Path.of(ensemble);
    ProgressBar[] bar = {new ProgressBar(System.err)};
    String[] phase = {""};
    OverOptimisation.Result r =
        OverOptimisation.run(
            data,
            model,
            out,
            ens,
            c,
            new OverOptimisation.Listener() {
              @Override
              public void phase(String name, int total) {
                phase[0] = name;
                bar[0] = new ProgressBar(System.err);
              }

              @Override
              public void progress(int done, int total, String detail) {
                bar[0].update(phase[0], done, total, detail);
              }

              @Override
              public void info(String line) {
                System.out.println(line);
              }

              @Override
              public void point(OverOptimisation.Point p) {
                System.out.println(p.line());
              }
            });
    System.out.printf(Locale.ROOT, "wrote %s and %s in %.1f s%n", r.csv(), r.png(), r.seconds());
    return 0;
  }

  /** Prints the SFT model's gold reward between the random-token floor and the best answers. */
  static void evaluate(Path data, Path modelDir, int samples) {
    List<WorldData.PromptItem> prompts = WorldData.prompts(data.resolve(WorldFiles.EVAL_PROMPTS));
    prompts = prompts.subList(0, Math.min(samples, prompts.size()));
    DjlRuntime.engine();
    try (Transformer m = Transformer.load(modelDir, Device.cpu());
        HfTokenizer tok = HfTokenizer.load(modelDir)) {
      WorldCodec codec = new WorldCodec(tok, 96);
      List<Integer> eos = m.config().eosTokenIds();
      List<GoldEvaluation.Report> reports = new ArrayList<>();
      reports.add(GoldEvaluation.randomTokens(prompts, Vocabulary.words(), 1));
      reports.add(
          GoldEvaluation.policy(
              "sft (top-p 0.9 sampling)",
              m,
              null,
              codec,
              prompts,
              new GenerationConfig(40, 1.0, 0, 0.9, 7, eos, true),
              32));
      reports.add(
          GoldEvaluation.policy(
              "sft (greedy)", m, null, codec, prompts, GenerationConfig.greedy(40, eos), 32));
      reports.add(GoldEvaluation.best(prompts));
      System.out.println("gold reward on " + prompts.size() + " held-out prompts:");
      reports.forEach(r -> System.out.println("  " + r.line()));
    }
  }

  /** A tiny flag parser that names what is wrong. */
  static final class Args {
    private final List<String> rest = new ArrayList<>();

    Args(String[] args) {
      for (int i = 1; i < args.length; i++) {
        rest.add(args[i]);
      }
    }

    private String take(String flag) {
      int i = rest.indexOf(flag);
      if (i < 0) {
        return null;
      }
      if (i + 1 >= rest.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = rest.get(i + 1);
      rest.remove(i + 1);
      rest.remove(i);
      return v;
    }

    Path path(String flag) {
      String v = take(flag);
      if (v == null) {
        throw new IllegalArgumentException(flag + " DIR is required\n" + USAGE);
      }
      return Path.of(v);
    }

    String stringOr(String flag, String def) {
      String v = take(flag);
      return v == null ? def : v;
    }

    long longOr(String flag, long def) {
      String v = take(flag);
      try {
        return v == null ? def : Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " must be an integer, got '" + v + "'");
      }
    }

    int intOr(String flag, int def) {
      return Math.toIntExact(longOr(flag, def));
    }

    double doubleOr(String flag, double def) {
      String v = take(flag);
      try {
        return v == null ? def : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " must be a number, got '" + v + "'");
      }
    }

    void done() {
      if (!rest.isEmpty()) {
        throw new IllegalArgumentException("unexpected arguments " + rest + "\n" + USAGE);
      }
    }
  }
}
