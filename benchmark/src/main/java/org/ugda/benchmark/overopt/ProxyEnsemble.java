package org.ugda.benchmark.overopt;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ugda.benchmark.sft.WorldCodec;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.AdapterStack;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.reward.RewardTrainer;
import org.ugda.core.train.Adam;
import org.ugda.core.train.TrainConfig;
import org.ugda.world.data.PreferencePair;

/**
 * K LoRA reward members (each with its own scalar head) on the SFT model, trained with the
 * Bradley-Terry loss of Eq. 1 on the world's training pairs, which carry the spurious "longer wins"
 * bias; members differ by seed (adapter and head initialisation, data order). Saved in PEFT layout
 * ({@code member-i/}) with {@code ensemble.json} written last, so a directory that has it is
 * complete and is loaded instead of retrained. Scoring runs every member in one pass ({@link
 * AdapterStack}).
 */
final class ProxyEnsemble implements AutoCloseable {
  static final String MANIFEST = "ensemble.json";

  /** Progress of member training. */
  interface Progress {
    void member(int member, int members, int step, int total, double loss, double accuracy);
  }

  private final Transformer model;
  private final List<String> names;
  private final AdapterStack stack;

  private ProxyEnsemble(Transformer model, List<String> names) {
    this.model = model;
    this.names = List.copyOf(names);
    this.stack = names.size() > 1 ? AdapterStack.of(model, names) : null;
  }

  /** Whether {@code dir} holds a complete ensemble. */
  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(MANIFEST));
  }

  /** Loads the ensemble of {@code dir}; it must have {@code members} members. */
  static ProxyEnsemble load(Transformer model, Path dir, int members) {
    int saved;
    try {
      saved =
          JsonParser.parseString(Files.readString(dir.resolve(MANIFEST)))
              .getAsJsonObject()
              .get("members")
              .getAsInt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (saved != members) {
      throw new IllegalArgumentException(
          dir
              + " holds an ensemble of "
              + saved
              + " members but --members is "
              + members
              + "; pass --members "
              + saved
              + " or another --out");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      Path d = dir.resolve("member-" + i);
      PeftAdapters.Loaded l = PeftAdapters.read(d, model.config());
      String name = "proxy-" + i;
      model.addAdapter(name, l.config(), l.tensors(), d.toString());
      names.add(name);
    }
    return new ProxyEnsemble(model, names);
  }

  /** Trains {@code members} members on the pairs and saves them under {@code dir}. */
  static ProxyEnsemble train(
      Transformer model,
      WorldCodec codec,
      List<PreferencePair> pairs,
      Path dir,
      int members,
      int epochs,
      double lr,
      long seed,
      String baseModel,
      Progress progress) {
    List<RewardTrainer.Pair> encoded = new ArrayList<>();
    for (PreferencePair p : pairs) {
      encoded.add(
          new RewardTrainer.Pair(
              codec.dialogue(p.prompt(), p.chosen()).ids(),
              codec.dialogue(p.prompt(), p.rejected()).ids()));
    }
    List<String> names = new ArrayList<>();
    LoraConfig cfg = LoraConfig.paperDefault("score");
    for (int i = 0; i < members; i++) {
      String name = "proxy-" + i;
      model.addAdapter(name, cfg, seed + i);
      TrainConfig tc = trainConfig(epochs, lr, seed + 1000 + i);
      final int member = i;
      RewardTrainer.preferences(
          model,
          name,
          encoded,
          tc,
          0,
          (step, total, loss, acc) -> progress.member(member, members, step, total, loss, acc[0]),
          null);
      names.add(name);
    }
    save(model, names, dir, baseModel, epochs, lr, seed, pairs.size());
    return new ProxyEnsemble(model, names);
  }

  /** The reward-service defaults: batch 8, lr cosine to a tenth, 5% warm-up, clip 1. */
  static TrainConfig trainConfig(int epochs, double lr, long seed) {
    return new TrainConfig(epochs, 8, 1, lr, lr / 10, 0.05, 0.0, 1.0, Adam.Hyper.paper(), seed);
  }

  /** Optimizer steps one member takes. */
  static int steps(int pairs, int epochs) {
    return trainConfig(epochs, 1e-3, 0).steps(pairs);
  }

  private static void save(
      Transformer model,
      List<String> names,
      Path dir,
      String baseModel,
      int epochs,
      double lr,
      long seed,
      int pairs) {
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < names.size(); i++) {
        PeftAdapters.write(
            dir.resolve("member-" + i),
            model.adapter(names.get(i)),
            baseModel,
            Map.of("seed", Long.toString(seed + i), "recipe", "ugda world overopt"));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("members", names.size());
      m.put("base_model", baseModel);
      m.put("objective", "Bradley-Terry (Eq. 1) on pairs-train.jsonl");
      m.put("pairs", pairs);
      m.put("epochs", epochs);
      m.put("learning_rate", lr);
      m.put("seed", seed);
      AtomicFiles.writeString(
          dir.resolve(MANIFEST), new GsonBuilder().setPrettyPrinting().create().toJson(m));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ensemble to " + dir, e);
    }
  }

  int members() {
    return names.size();
  }

  /** Every member's reward [n][K] of whole sequences ({@code <s>} prompt response {@code </s>}). */
  float[][] scores(List<long[]> seqs, int batchSize) {
    int k = names.size();
    long pad = Math.max(0, model.config().padTokenId());
    float[][] out = new float[seqs.size()][k];
    for (int from = 0; from < seqs.size(); from += batchSize) {
      List<long[]> part = seqs.subList(from, Math.min(seqs.size(), from + batchSize));
      int n = part.size();
      TokenBatch tb = TokenBatch.rightPadded(part, pad);
      try (NDManager scope = model.newScope()) {
        float[] s =
            model
                .forward(
                    scope,
                    tb,
                    stack != null
                        ? ForwardOptions.stackedScores(stack)
                        : ForwardOptions.scores(names.get(0)))
                .scores()
                .toFloatArray();
        for (int i = 0; i < k; i++) {
          for (int r = 0; r < n; r++) {
            out[from + r][i] = s[i * n + r];
          }
        }
      }
    }
    return out;
  }

  /** The members' mean reward per sequence (Eq. 8's R_m before the KL term). */
  double[] mean(List<long[]> seqs, int batchSize) {
    float[][] s = scores(seqs, batchSize);
    double[] m = new double[s.length];
    for (int r = 0; r < s.length; r++) {
      double sum = 0;
      for (float v : s[r]) {
        sum += v;
      }
      m[r] = sum / s[r].length;
    }
    return m;
  }

  /** Share of pairs whose chosen side gets the higher mean reward. */
  double accuracy(WorldCodec codec, List<PreferencePair> pairs, int batchSize) {
    List<long[]> seqs = new ArrayList<>();
    for (PreferencePair p : pairs) {
      seqs.add(codec.dialogue(p.prompt(), p.chosen()).ids());
      seqs.add(codec.dialogue(p.prompt(), p.rejected()).ids());
    }
    double[] m = mean(seqs, batchSize);
    int right = 0;
    for (int i = 0; i < pairs.size(); i++) {
      right += m[2 * i] > m[2 * i + 1] ? 1 : 0;
    }
    return right / (double) pairs.size();
  }

  @Override
  public void close() {
    if (stack != null) {
      stack.close();
    }
    for (String n : names) {
      model.removeAdapter(n);
    }
  }
}
