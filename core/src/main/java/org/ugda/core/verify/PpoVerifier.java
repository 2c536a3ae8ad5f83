package org.ugda.core.verify;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.ppo.AdaptiveKlController;
import org.ugda.core.ppo.KlEstimator;
import org.ugda.core.ppo.PpoBatch;
import org.ugda.core.ppo.PpoConfig;
import org.ugda.core.ppo.PpoMath;
import org.ugda.core.ppo.PpoTrainer;
import org.ugda.core.ppo.RolloutTensors;
import org.ugda.core.ppo.ValueHead;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;
import org.ugda.core.train.Gradients;

/**
 * The {@code ppo/} part of a verification directory (fixtures README, "PPO"): one rollout of the
 * LoRA policy with its value head and two full-batch PPO updates, every tensor compared under
 * {@code ppo.safetensors}'s own names; and the adaptive KL controller's table.
 */
final class PpoVerifier {
  private static final String P = "ppo.";

  private final Path dir;
  private final Device device;
  private final List<Comparison> comparisons;
  private final List<String> skipped;
  private final Map<String, FloatTensor> computed;

  PpoVerifier(
      Path dir,
      Device device,
      List<Comparison> comparisons,
      List<String> skipped,
      Map<String, FloatTensor> computed) {
    this.dir = dir;
    this.device = device;
    this.comparisons = comparisons;
    this.skipped = skipped;
    this.computed = computed;
  }

  void run() {
    Path ppo = dir.resolve("ppo");
    if (!Files.isDirectory(ppo)) {
      skipped.add("ppo/ (rollout, GAE, PPO losses, gradients and Adam steps, adaptive KL)");
      return;
    }
    Path file = ppo.resolve("ppo.safetensors");
    if (Files.isRegularFile(file)) {
      updates(ppo, file);
    } else {
      skipped.add("ppo/ppo.safetensors (rollout and updates)");
    }
    adaptiveKl(ppo.resolve("adaptive-kl.json"));
  }

  private void updates(Path ppo, Path file) {
    JsonObject meta = json(ppo.resolve("ppo.json"));
    JsonObject hp = meta.getAsJsonObject("hyperparameters");
    JsonObject adamJson = meta.getAsJsonObject("adam");
    Path base = ppo.resolve(meta.get("base").getAsString()).normalize();
    Path adapterDir = ppo.resolve(meta.get("adapter").getAsString()).normalize();
    try (SafeTensorsFile ref = SafeTensorsFile.open(file);
        Transformer model = Transformer.load(base, device)) {
      PeftAdapters.Loaded loaded = PeftAdapters.read(adapterDir, model.config());
      model.addAdapter("policy", loaded.config(), loaded.tensors(), adapterDir.toString());
      long[] shape = ref.info(P + "input_ids").shape();
      int rows = (int) shape[0];
      int cols = (int) shape[1];
      long[] ids = ref.readLongs(P + "input_ids");
      long[] plen = ref.readLongs(P + "prompt_len");
      long[] rlen = ref.readLongs(P + "response_len");
      List<long[]> seqs = new ArrayList<>();
      int[] p = new int[rows];
      int[] r = new int[rows];
      for (int b = 0; b < rows; b++) {
        p[b] = Math.toIntExact(plen[b]);
        r[b] = Math.toIntExact(rlen[b]);
        seqs.add(Arrays.copyOfRange(ids, b * cols, b * cols + p[b] + r[b]));
      }
      PpoBatch batch = new PpoBatch(seqs, p, r);
      float[] scoresF = ref.readFloats(P + "scores");
      double[] scores = new double[rows];
      for (int b = 0; b < rows; b++) {
        scores[b] = scoresF[b];
      }
      double beta = hp.get("beta").getAsDouble();
      KlEstimator est = "kl".equals(hp.get("kl_penalty").getAsString()) ? KlEstimator.K1 : null;
      if (est == null) {
        throw new CheckpointException("ppo.json: kl_penalty " + hp.get("kl_penalty"));
      }
      PpoConfig cfg =
          new PpoConfig(
              hp.get("gamma").getAsDouble(),
              hp.get("lam").getAsDouble(),
              est,
              hp.get("cliprange").getAsDouble(),
              hp.get("cliprange_value").getAsDouble(),
              hp.get("vf_coef").getAsDouble(),
              1,
              rows,
              false,
              0,
              0);
      JsonArray betas = adamJson.getAsJsonArray("betas");
      Adam.Hyper hyper =
          new Adam.Hyper(
              betas.get(0).getAsDouble(),
              betas.get(1).getAsDouble(),
              adamJson.get("eps").getAsDouble(),
              0);
      double lr = adamJson.get("lr").getAsDouble();
      try (ValueHead head = ValueHead.read(model, ppo.resolve("value-head.safetensors"));
          PpoTrainer trainer =
              new PpoTrainer(model, "policy", head, cfg, AdaptiveKlController.fixed(beta), hyper)) {
        order(meta, trainer.parameters());
        RolloutTensors ro = trainer.rollout(batch, scores);
        long[] s = {rows, batch.width()};
        check(ref, "old_logprobs", ro.oldLogprobs(), s);
        check(ref, "ref_logprobs", ro.refLogprobs(), s);
        check(ref, "values", ro.values(), s);
        check(ref, "kl_k1", ro.kl(), s);
        check(
            ref,
            "kl_k3",
            PpoMath.kl(ro.oldLogprobs(), ro.refLogprobs(), ro.mask(), KlEstimator.K3),
            s);
        check(ref, "rewards", ro.rewards(), s);
        check(ref, "advantages_raw", ro.advantagesRaw(), s);
        check(ref, "returns", ro.returns(), s);
        check(ref, "advantages", ro.advantages(), s);
        check(ref, "kl_objective", new float[] {(float) ro.klObjective()}, new long[] {1});
        int[] all = new int[rows];
        for (int b = 0; b < rows; b++) {
          all[b] = b;
        }
        int steps = adamJson.get("steps").getAsInt();
        for (int k = 1; k <= steps; k++) {
          PpoTrainer.Update u = trainer.update(ro, all, lr);
          String sfx = k == 1 ? "" : String.valueOf(k);
          if (k > 1) {
            check(ref, "new_logprobs" + k, u.newLogprobs(), s);
            check(ref, "vpred" + k, u.values(), s);
            check(ref, "ratio" + k, u.ratio(), s);
            scalar(ref, "approxkl" + k, u.approxKl());
            scalar(ref, "policykl" + k, u.policyKl());
          }
          scalar(ref, "pg_loss" + sfx, u.pgLoss());
          scalar(ref, "vf_loss" + sfx, u.vfLoss());
          scalar(ref, "loss" + sfx, u.loss());
          scalar(ref, "pg_clipfrac" + sfx, u.pgClipfrac());
          scalar(ref, "vf_clipfrac" + sfx, u.vfClipfrac());
          scalar(ref, "grad_norm" + k, u.gradNorm());
          for (Map.Entry<String, FloatTensor> e :
              Gradients.toTensors(trainer.parameters()).entrySet()) {
            check(ref, "grad" + k + "." + e.getKey(), e.getValue());
          }
          for (NamedArray pa : trainer.parameters()) {
            check(
                ref,
                "after_step" + k + "." + pa.name(),
                new FloatTensor(pa.array().getShape().getShape(), pa.array().toFloatArray()));
          }
        }
        Gradients.zero(trainer.parameters());
      }
    }
  }

  /** The fixture's trainable order (LoRA in PEFT order, then the head) must be ours. */
  private void order(JsonObject meta, List<NamedArray> params) {
    List<String> theirs = new ArrayList<>();
    meta.getAsJsonArray("trainable_parameter_order").forEach(e -> theirs.add(e.getAsString()));
    List<String> ours = params.stream().map(NamedArray::name).toList();
    boolean same = theirs.equals(ours);
    comparisons.add(
        new Comparison(
            "parameter order (ppo.json)",
            new long[] {ours.size()},
            0,
            0,
            same ? 0 : Double.POSITIVE_INFINITY,
            same,
            same ? "exact" : "ours " + ours + " vs " + theirs));
  }

  private void adaptiveKl(Path file) {
    if (!Files.isRegularFile(file)) {
      skipped.add("ppo/adaptive-kl.json (adaptive KL controller)");
      return;
    }
    JsonObject o = json(file);
    AdaptiveKlController c =
        AdaptiveKlController.adaptive(
            o.get("init_kl_coef").getAsDouble(),
            o.get("target").getAsDouble(),
            o.get("horizon").getAsDouble());
    int i = 0;
    for (JsonElement el : o.getAsJsonArray("updates")) {
      JsonObject u = el.getAsJsonObject();
      double before = c.value();
      double kl = u.get("current_kl").getAsDouble();
      double err = c.proportionalError(kl);
      double after = c.update(kl, u.get("n_steps").getAsLong());
      String n = "adaptive_kl.update" + i++;
      scalarAgainst(n + ".value_before", before, u.get("value_before").getAsDouble());
      scalarAgainst(n + ".proportional_error", err, u.get("proportional_error").getAsDouble());
      scalarAgainst(n + ".value_after", after, u.get("value_after").getAsDouble());
    }
  }

  private void scalarAgainst(String name, double ours, double theirs) {
    comparisons.add(
        Comparison.of(
            name,
            new FloatTensor(new long[] {1}, new float[] {(float) ours}),
            new FloatTensor(new long[] {1}, new float[] {(float) theirs})));
  }

  private void scalar(SafeTensorsFile ref, String name, double v) {
    check(ref, name, new float[] {(float) v}, new long[] {1});
  }

  private void check(SafeTensorsFile ref, String name, float[] v, long[] shape) {
    check(ref, name, new FloatTensor(shape, v));
  }

  private void check(SafeTensorsFile ref, String name, FloatTensor t) {
    String full = P + name;
    computed.put(full, t);
    if (!ref.contains(full)) {
      skipped.add(full + " (not in ppo.safetensors)");
      return;
    }
    comparisons.add(
        Comparison.of(full, t, new FloatTensor(ref.info(full).shape(), ref.readFloats(full))));
  }

  private static JsonObject json(Path p) {
    try {
      return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new CheckpointException(p + ": malformed JSON: " + e.getMessage(), e);
    }
  }
}
