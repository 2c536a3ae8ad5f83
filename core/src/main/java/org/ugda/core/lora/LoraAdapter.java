package org.ugda.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.model.Dims;
import org.ugda.core.model.HfNames;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Proj;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Rng;

/**
 * One named LoRA adapter on a frozen base: matrices A [r, in] and B [out, r] for each targeted
 * linear layer, and optionally its own scalar head (a reward-ensemble member's {@code score}). The
 * adapter owns only its own arrays; the base weights it rides on are shared.
 *
 * <p>Parameter order (the flattening order of gradients, see {@link #parameters()}): layer by
 * layer, within a layer q, k, v, o, gate, up, down, each as lora_A then lora_B, and the head last.
 * That is the order of PEFT's {@code named_parameters()}, and the names are PEFT's in-memory ones
 * ({@link HfNames#loraA}, {@link HfNames#peftHead}).
 */
public final class LoraAdapter implements AutoCloseable {

  private final String name;
  private final LoraConfig config;
  private final ModelConfig model;
  private final NDManager manager;
  private final NDArray[][] a;
  private final NDArray[][] b;
  private NDArray head;

  private LoraAdapter(String name, LoraConfig config, ModelConfig model, NDManager manager) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an adapter needs a name");
    }
    this.name = name;
    this.config = config;
    this.model = model;
    this.manager = manager;
    this.a = new NDArray[model.numLayers()][Proj.values().length];
    this.b = new NDArray[model.numLayers()][Proj.values().length];
  }

  /**
   * A fresh adapter initialised as PEFT does: A ~ kaiming-uniform (bound 1/sqrt(in)), B = 0, so the
   * adapted model starts equal to the base; a head, if any, ~ N(0, 0.02) like transformers'
   * initialiser. All draws come from {@code seed}.
   */
  public static LoraAdapter initialise(
      String name, LoraConfig config, ModelConfig model, NDManager parent, long seed) {
    LoraAdapter ad = new LoraAdapter(name, config, model, parent.newSubManager());
    for (int l = 0; l < model.numLayers(); l++) {
      for (Proj p : Proj.values()) {
        if (!config.targets(p.shortName())) {
          continue;
        }
        int in = Dims.in(p, model);
        int out = Dims.out(p, model);
        SplittableRandom r = Rng.stream(seed, "lora/" + p.moduleKey(l));
        ad.a[l][p.ordinal()] =
            NdData.floats(
                ad.manager,
                Rng.uniform(r, config.rank() * in, 1.0 / Math.sqrt(in)),
                new Shape(config.rank(), in));
        ad.b[l][p.ordinal()] = ad.manager.zeros(new Shape(out, config.rank()));
      }
    }
    if (config.headModule() != null) {
      SplittableRandom r = Rng.stream(seed, "head/" + config.headModule());
      int width = config.headWidth(model.numLabels());
      ad.head =
          NdData.floats(
              ad.manager,
              Rng.gaussian(r, width * model.hiddenSize(), 0.02),
              new Shape(width, model.hiddenSize()));
    }
    return ad;
  }

  /**
   * An adapter with the given weights, keyed by PEFT in-memory names ({@link #parameterNames()}).
   * Shapes are checked; a missing or extra tensor is an error naming it.
   */
  public static LoraAdapter fromTensors(
      String name,
      LoraConfig config,
      ModelConfig model,
      NDManager parent,
      Map<String, FloatTensor> tensors,
      String source) {
    LoraAdapter ad = new LoraAdapter(name, config, model, parent.newSubManager());
    try {
      Map<String, FloatTensor> left = new LinkedHashMap<>(tensors);
      for (int l = 0; l < model.numLayers(); l++) {
        for (Proj p : Proj.values()) {
          if (!config.targets(p.shortName())) {
            continue;
          }
          ad.a[l][p.ordinal()] =
              ad.take(
                  left, HfNames.loraA(p.moduleKey(l)), source, config.rank(), Dims.in(p, model));
          ad.b[l][p.ordinal()] =
              ad.take(
                  left, HfNames.loraB(p.moduleKey(l)), source, Dims.out(p, model), config.rank());
        }
      }
      if (config.headModule() != null) {
        ad.head =
            ad.take(
                left,
                HfNames.peftHead(config.headModule()),
                source,
                config.headWidth(model.numLabels()),
                model.hiddenSize());
      }
      if (!left.isEmpty()) {
        throw new IllegalArgumentException(
            source + ": unexpected tensors for this adapter config: " + left.keySet());
      }
      return ad;
    } catch (RuntimeException e) {
      ad.close();
      throw e;
    }
  }

  private NDArray take(Map<String, FloatTensor> left, String key, String source, long... shape) {
    FloatTensor t = left.remove(key);
    if (t == null) {
      throw new IllegalArgumentException(source + ": missing tensor '" + key + "'");
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          source
              + ": tensor '"
              + key
              + "' has shape "
              + Arrays.toString(t.shape())
              + " but the base model and adapter config expect "
              + Arrays.toString(shape));
    }
    return NdData.floats(manager, t.data(), new Shape(shape));
  }

  public String name() {
    return name;
  }

  public LoraConfig config() {
    return config;
  }

  public ModelConfig modelConfig() {
    return model;
  }

  public double scale() {
    return config.scale();
  }

  /** lora_A of a layer's module, or null where the module is not adapted. */
  public NDArray a(int layer, Proj p) {
    return a[layer][p.ordinal()];
  }

  public NDArray b(int layer, Proj p) {
    return b[layer][p.ordinal()];
  }

  /** The adapter's own head [labels, hidden], or null. */
  public NDArray head() {
    return head;
  }

  public NDManager manager() {
    return manager;
  }

  /** Trainable parameters in the documented, stable order (PEFT's). */
  public List<NamedArray> parameters() {
    List<NamedArray> out = new ArrayList<>();
    for (int l = 0; l < model.numLayers(); l++) {
      for (Proj p : Proj.values()) {
        if (a[l][p.ordinal()] != null) {
          out.add(new NamedArray(HfNames.loraA(p.moduleKey(l)), a[l][p.ordinal()]));
          out.add(new NamedArray(HfNames.loraB(p.moduleKey(l)), b[l][p.ordinal()]));
        }
      }
    }
    if (head != null) {
      out.add(new NamedArray(HfNames.peftHead(config.headModule()), head));
    }
    return out;
  }

  public List<String> parameterNames() {
    return parameters().stream().map(NamedArray::name).toList();
  }

  /** Total number of trainable values: P, the length of a flattened gradient. */
  public long parameterCount() {
    long n = 0;
    for (NamedArray p : parameters()) {
      n += p.array().size();
    }
    return n;
  }

  /** Current weights as plain tensors, keyed by PEFT in-memory names, in parameter order. */
  public Map<String, FloatTensor> state() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (NamedArray p : parameters()) {
      out.put(p.name(), new FloatTensor(p.array().getShape().getShape(), p.array().toFloatArray()));
    }
    return out;
  }

  /** Marks every parameter as trainable (or frozen). */
  public void setTrainable(boolean trainable) {
    for (NamedArray p : parameters()) {
      p.array().setRequiresGradient(trainable);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
