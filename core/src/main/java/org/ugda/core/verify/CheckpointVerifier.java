package org.ugda.core.verify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.ForwardOutput;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.train.Adam;
import org.ugda.core.train.Autograd;
import org.ugda.core.train.Gradients;
import org.ugda.core.train.Losses;
import org.ugda.core.train.PerSampleGradients;

/**
 * Recomputes, with {@code core}, every output a reference directory records (the layout of {@code
 * shared/fixtures/<arch>/}: {@code causal-lm/}, {@code reward-model/}, {@code lora-adapter/},
 * {@code reward-lora-adapter/}, {@code reference.safetensors}, {@code lora-grads.*}, {@code
 * reward-lora-grads.*}) and compares each with its reference. Parts whose files are absent are
 * skipped and reported as such.
 */
public final class CheckpointVerifier {

  /** The outcome: comparisons in order, skipped parts, and every tensor computed. */
  public record Report(
      List<Comparison> comparisons, List<String> skipped, Map<String, FloatTensor> computed) {
    public long passed() {
      return comparisons.stream().filter(Comparison::pass).count();
    }

    public long failed() {
      return comparisons.size() - passed();
    }

    public boolean allPassed() {
      return !comparisons.isEmpty() && failed() == 0;
    }
  }

  private final Path dir;
  private final Device device;
  private final List<Comparison> comparisons = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();
  private final Map<String, FloatTensor> computed = new LinkedHashMap<>();
  private SafeTensorsFile reference;

  public CheckpointVerifier(Path dir, Device device) {
    this.dir = dir;
    this.device = device;
  }

  public Report run() {
    Path ref = dir.resolve("reference.safetensors");
    if (!Files.isRegularFile(ref)) {
      throw new CheckpointException(
          ref + ": no such file; a verification directory needs the reference inputs and outputs");
    }
    try (SafeTensorsFile r = SafeTensorsFile.open(ref)) {
      reference = r;
      long[] shape = r.info("input_ids").shape();
      int rows = (int) shape[0];
      int cols = (int) shape[1];
      long[] ids = r.readLongs("input_ids");
      long[] mask = r.readLongs("attention_mask");
      TokenBatch batch = new TokenBatch(rows, cols, ids, mask, null, 0);
      int[] promptLen = toInts(r.readLongs("prompt_len"));
      long[] labels = Losses.responseLabels(batch, promptLen);
      if (r.contains("labels")) {
        comparisons.add(Comparison.exact("labels", labels, r.readLongs("labels"), shape));
      }
      causalLm(batch, labels, promptLen);
      rewardModel(batch);
      new PpoVerifier(dir, device, comparisons, skipped, computed).run();
    } finally {
      reference = null;
    }
    return new Report(List.copyOf(comparisons), List.copyOf(skipped), computed);
  }

  private void causalLm(TokenBatch batch, long[] labels, int[] promptLen) {
    Path base = dir.resolve("causal-lm");
    if (!Files.isDirectory(base)) {
      skipped.add(
          "causal-lm/ (logits, last_hidden_state, lm_loss, next_token_logprobs, LoRA outputs and gradients)");
      return;
    }
    try (Transformer model = Transformer.load(base, device);
        NDManager scope = model.newScope()) {
      ForwardOutput out = model.forward(scope, batch, ForwardOptions.logits(null));
      check("logits", out.logits());
      check("last_hidden_state", out.hidden());
      check("lm_loss", Losses.lmLoss(scope, out.logits(), batch, labels).reshape(1));
      NDArray ids = NdData.longs(scope, batch.ids(), new Shape(batch.rows(), batch.cols()));
      check("next_token_logprobs", Losses.nextTokenLogProbs(out.logits(), ids));

      LoraAdapter ad =
          adapterOrSkip(
              model,
              "lora-adapter",
              "lora",
              "(lora_logits, sample losses, per-sample gradients, Adam)");
      if (ad == null) {
        return;
      }
      ForwardOutput lo = model.forward(scope, batch, ForwardOptions.logits("lora"));
      check("lora_logits", lo.logits());
      NDArray perRow = Losses.perSampleLmLoss(scope, lo.logits(), batch, labels);
      for (int b = 0; b < batch.rows(); b++) {
        check("sample_loss" + b, perRow.get(b).reshape(1));
      }
      loraGradients(model, ad, batch, promptLen);
    }
  }

  private void loraGradients(Transformer model, LoraAdapter ad, TokenBatch batch, int[] promptLen) {
    Path gradsFile = dir.resolve("lora-grads.safetensors");
    if (!Files.isRegularFile(gradsFile)) {
      skipped.add("lora-grads.safetensors (per-sample gradients, Adam moments)");
      return;
    }
    JsonObject meta = json(dir.resolve("lora-grads.json"));
    checkOrder(meta, ad, "lora-grads.json");
    try (SafeTensorsFile g = SafeTensorsFile.open(gradsFile)) {
      float[][] perSample =
          PerSampleGradients.closedForm(
              model,
              ad.name(),
              batch,
              ForwardOptions.logits(ad.name()),
              PerSampleGradients.responseLm(promptLen));
      List<NamedArray> params = ad.parameters();
      for (int b = 0; b < batch.rows(); b++) {
        int at = 0;
        for (NamedArray p : params) {
          long[] shape = p.array().getShape().getShape();
          int n = (int) p.array().size();
          float[] part = Arrays.copyOfRange(perSample[b], at, at + n);
          at += n;
          checkAgainst(g, "grad" + b + "." + p.name(), new FloatTensor(shape, part));
        }
      }
      // Adam: step k on row k alone, hyper-parameters from the json
      JsonObject adam = meta.getAsJsonObject("adam");
      JsonArray betas = adam.getAsJsonArray("betas");
      Adam.Hyper hyper =
          new Adam.Hyper(
              betas.get(0).getAsDouble(),
              betas.get(1).getAsDouble(),
              adam.get("eps").getAsDouble(),
              0.0);
      double lr = adam.get("lr").getAsDouble();
      int steps = adam.get("steps").getAsInt();
      ad.setTrainable(true);
      try (Adam opt = new Adam(params, hyper)) {
        for (int k = 0; k < steps; k++) {
          TokenBatch one = TokenBatch.rightPadded(List.of(batch.row(k)), batch.padId());
          Gradients.zero(params);
          try (NDManager scope = model.newScope();
              Autograd.Tape tape = Autograd.record()) {
            ForwardOutput fo = model.forward(scope, one, ForwardOptions.logits(ad.name()));
            long[] labels = Losses.responseLabels(one, new int[] {promptLen[k]});
            tape.backward(Losses.lmLoss(scope, fo.logits(), one, labels));
          }
          opt.step(lr);
        }
        Adam.State st = opt.state();
        for (NamedArray p : params) {
          checkAgainst(g, "adam.exp_avg." + p.name(), st.expAvg().get(p.name()));
          checkAgainst(g, "adam.exp_avg_sq." + p.name(), st.expAvgSq().get(p.name()));
        }
        Map<String, FloatTensor> after = ad.state();
        for (NamedArray p : params) {
          checkAgainst(g, "after_step" + steps + "." + p.name(), after.get(p.name()));
        }
      } finally {
        Gradients.zero(params);
        ad.setTrainable(false);
      }
    }
  }

  private void rewardModel(TokenBatch batch) {
    Path base = dir.resolve("reward-model");
    if (!Files.isDirectory(base)) {
      skipped.add("reward-model/ (rewards, reward member outputs and gradients)");
      return;
    }
    try (Transformer model = Transformer.load(base, device);
        NDManager scope = model.newScope()) {
      check(
          "rewards",
          model.forward(scope, batch, ForwardOptions.scores(null)).scores().reshape(batch.rows()));
      LoraAdapter ad =
          adapterOrSkip(
              model,
              "reward-lora-adapter",
              "member",
              "(reward member rewards, Bradley-Terry and MSE)");
      if (ad == null) {
        return;
      }
      NDArray r = memberScores(model, scope, batch);
      check("reward_lora_rewards", r);
      check("reward_lora_bt_loss", Losses.bradleyTerry(r.get(0), r.get(1)).reshape(1));
      NDArray target = null;
      if (reference.contains("reward_lora_mse_target")) {
        target =
            NdData.floats(
                scope, reference.readFloats("reward_lora_mse_target"), new Shape(batch.rows()));
        check("reward_lora_mse_loss", Losses.mse(r, target).reshape(1));
      }
      Path gradsFile = dir.resolve("reward-lora-grads.safetensors");
      if (!Files.isRegularFile(gradsFile)) {
        skipped.add("reward-lora-grads.safetensors (Bradley-Terry and MSE gradients)");
        return;
      }
      checkOrder(json(dir.resolve("reward-lora-grads.json")), ad, "reward-lora-grads.json");
      List<NamedArray> params = ad.parameters();
      ad.setTrainable(true);
      try (SafeTensorsFile g = SafeTensorsFile.open(gradsFile)) {
        checkGradients(
            model,
            params,
            g,
            "bt_grad.",
            s -> {
              NDArray rr = memberScores(model, s, batch);
              return Losses.bradleyTerry(rr.get(0), rr.get(1));
            });
        if (target != null) {
          checkGradients(
              model,
              params,
              g,
              "mse_grad.",
              s -> {
                NDArray rr = memberScores(model, s, batch);
                NDArray t =
                    NdData.floats(
                        s, reference.readFloats("reward_lora_mse_target"), new Shape(batch.rows()));
                return Losses.mse(rr, t);
              });
        }
      } finally {
        Gradients.zero(params);
        ad.setTrainable(false);
      }
    }
  }

  /**
   * The adapter in {@code sub/} of the verification directory, added to the model under {@code
   * name}; null, with {@code sub/ what} noted as skipped, where the directory has none.
   */
  private LoraAdapter adapterOrSkip(Transformer model, String sub, String name, String what) {
    Path adapterDir = dir.resolve(sub);
    if (!Files.isDirectory(adapterDir)) {
      skipped.add(sub + "/ " + what);
      return null;
    }
    PeftAdapters.Loaded loaded = PeftAdapters.read(adapterDir, model.config());
    return model.addAdapter(name, loaded.config(), loaded.tensors(), adapterDir.toString());
  }

  /** The reward member's scores of the batch, one a row. */
  private static NDArray memberScores(Transformer model, NDManager scope, TokenBatch batch) {
    return model
        .forward(scope, batch, ForwardOptions.scores("member"))
        .scores()
        .reshape(batch.rows());
  }

  /**
   * Zeroes the gradients, runs the backward of one loss recorded on a fresh tape, and checks each
   * parameter's gradient against the reference's {@code prefix + name}.
   */
  private void checkGradients(
      Transformer model,
      List<NamedArray> params,
      SafeTensorsFile g,
      String prefix,
      Function<NDManager, NDArray> loss) {
    Gradients.zero(params);
    try (NDManager s = model.newScope();
        Autograd.Tape tape = Autograd.record()) {
      tape.backward(loss.apply(s));
    }
    for (Map.Entry<String, FloatTensor> e : Gradients.toTensors(params).entrySet()) {
      checkAgainst(g, prefix + e.getKey(), e.getValue());
    }
  }

  /** The reference's parameter order must be ours: the flattening order is part of the contract. */
  private void checkOrder(JsonObject meta, LoraAdapter ad, String file) {
    if (meta == null || !meta.has("trainable_parameter_order")) {
      return;
    }
    List<String> theirs = new ArrayList<>();
    meta.getAsJsonArray("trainable_parameter_order").forEach(e -> theirs.add(e.getAsString()));
    List<String> ours = ad.parameterNames();
    boolean same = theirs.equals(ours);
    comparisons.add(
        new Comparison(
            "parameter order (" + file + ")",
            new long[] {ours.size()},
            0,
            0,
            same ? 0 : Double.POSITIVE_INFINITY,
            same,
            same ? "exact" : "ours " + ours + " vs " + theirs));
  }

  private JsonObject json(Path p) {
    if (!Files.isRegularFile(p)) {
      return null;
    }
    try {
      return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new CheckpointException(p + ": malformed JSON: " + e.getMessage(), e);
    }
  }

  private void check(String name, NDArray value) {
    FloatTensor t = new FloatTensor(value.getShape().getShape(), value.toFloatArray());
    computed.put(name, t);
    if (!reference.contains(name)) {
      skipped.add(name + " (not in reference.safetensors)");
      return;
    }
    comparisons.add(
        Comparison.of(
            name, t, new FloatTensor(reference.info(name).shape(), reference.readFloats(name))));
  }

  private void checkAgainst(SafeTensorsFile file, String name, FloatTensor t) {
    computed.put(name, t);
    if (!file.contains(name)) {
      skipped.add(name + " (not in " + file.path().getFileName() + ")");
      return;
    }
    comparisons.add(
        Comparison.of(name, t, new FloatTensor(file.info(name).shape(), file.readFloats(name))));
  }

  private static int[] toInts(long[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.toIntExact(a[i]);
    }
    return out;
  }

  /** Writes every computed tensor, under the reference's names, to one safetensors file. */
  public static void dump(Report report, Path file) {
    SafeTensorsWriter w = new SafeTensorsWriter();
    w.metadata("producer", "ugda verify-checkpoint");
    report.computed().forEach(w::add);
    w.write(file);
  }
}
