package org.ugda.core.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Rng;

/**
 * PPO's value head, {@code Linear(hidden, 1)} on the policy's final hidden state (after the final
 * norm, adapter on): {@code value[b, i] = w . h[b, i] + bias}. Stored as TRL and LLaMA-Factory
 * store it, {@code value_head.safetensors} with {@code v_head.summary.weight} [1, H] and {@code
 * v_head.summary.bias} [1].
 */
public final class ValueHead implements AutoCloseable {
  public static final String FILE = "value_head.safetensors";
  public static final String WEIGHT = "v_head.summary.weight";
  public static final String BIAS = "v_head.summary.bias";

  private final NDManager manager;
  private final int hidden;
  private NDArray weight;
  private NDArray bias;

  private ValueHead(Transformer model, float[] w, float[] b) {
    this.hidden = model.config().hiddenSize();
    this.manager = model.newScope();
    this.weight = NdData.floats(manager, w, new Shape(1, hidden));
    this.bias = NdData.floats(manager, b, new Shape(1));
  }

  /**
   * A fresh head as {@code torch.nn.Linear} initialises one: weight and bias uniform in
   * ±1/sqrt(hidden), drawn from {@code seed}.
   */
  public static ValueHead initialise(Transformer model, long seed) {
    int h = model.config().hiddenSize();
    SplittableRandom r = Rng.stream(seed, "value-head");
    double bound = 1 / Math.sqrt(h);
    float[] w = new float[h];
    for (int i = 0; i < h; i++) {
      w[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
    }
    float[] b = {(float) ((r.nextDouble() * 2 - 1) * bound)};
    return new ValueHead(model, w, b);
  }

  /** A head with given weights ({@code weight} [1, H] or [H], {@code bias} [1]). */
  public static ValueHead of(Transformer model, FloatTensor weight, FloatTensor bias) {
    int h = model.config().hiddenSize();
    if (weight.data().length != h || bias.data().length != 1) {
      throw new CheckpointException(
          "a value head for hidden size "
              + h
              + " needs "
              + WEIGHT
              + " [1, "
              + h
              + "] and "
              + BIAS
              + " [1], got "
              + weight.data().length
              + " and "
              + bias.data().length
              + " values");
    }
    return new ValueHead(model, weight.data(), bias.data());
  }

  /** Reads {@code value_head.safetensors} (or the given safetensors file). */
  public static ValueHead read(Transformer model, Path file) {
    Path f = Files.isDirectory(file) ? file.resolve(FILE) : file;
    if (!Files.isRegularFile(f)) {
      throw new CheckpointException(f.getFileName() + ": no value head there");
    }
    try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
      for (String n : List.of(WEIGHT, BIAS)) {
        if (!st.contains(n)) {
          throw new CheckpointException(f.getFileName() + " lacks " + n);
        }
      }
      return of(
          model,
          new FloatTensor(st.info(WEIGHT).shape(), st.readFloats(WEIGHT)),
          new FloatTensor(st.info(BIAS).shape(), st.readFloats(BIAS)));
    }
  }

  /** Writes {@code dir/value_head.safetensors}. */
  public void write(Path dir) {
    SafeTensorsWriter w = new SafeTensorsWriter();
    state().forEach(w::add);
    w.write(dir.resolve(FILE));
  }

  /** Values [B, T] for hidden states [B, T, H]. */
  public NDArray values(NDArray hiddenStates) {
    NDArray v = Linear.linear(hiddenStates, weight, bias).singletonOrThrow();
    Shape s = hiddenStates.getShape();
    return v.reshape(s.get(0), s.get(1));
  }

  /** Weight then bias, under TRL's names. */
  public List<NamedArray> parameters() {
    return List.of(new NamedArray(WEIGHT, weight), new NamedArray(BIAS, bias));
  }

  public Map<String, FloatTensor> state() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (NamedArray p : parameters()) {
      out.put(p.name(), new FloatTensor(p.array().getShape().getShape(), p.array().toFloatArray()));
    }
    return out;
  }

  public void setTrainable(boolean on) {
    weight.setRequiresGradient(on);
    bias.setRequiresGradient(on);
  }

  public int hiddenSize() {
    return hidden;
  }

  @Override
  public void close() {
    manager.close();
  }
}
