package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;

/**
 * k LoRA adapters with the same targets and rank, their matrices stacked so that one forward pass
 * serves every member: the batch is repeated k times along the batch axis, base weights are applied
 * once to all k*B rows (one large matmul instead of k small ones), and each member's low-rank update
 * is a batched matmul over the member axis. Heads are stacked the same way.
 *
 * <p>The stack holds copies of the adapters' small matrices (never of the base): build it for an
 * immutable ensemble version and close it when the version is unloaded.
 */
public final class AdapterStack implements AutoCloseable {
  private final int members;
  private final NDManager manager;
  private final NDArray[][] aT;
  private final NDArray[][] bT;
  private final NDArray scales;
  private final NDArray headsT;
  private final List<String> names;

  private AdapterStack(int members, NDManager manager, NDArray[][] aT, NDArray[][] bT, NDArray scales, NDArray headsT,
      List<String> names) {
    this.members = members;
    this.manager = manager;
    this.aT = aT;
    this.bT = bT;
    this.scales = scales;
    this.headsT = headsT;
    this.names = List.copyOf(names);
  }

  /** Stacks the named adapters of a model; they must share target modules, rank and head width. */
  public static AdapterStack of(Transformer model, List<String> adapterNames) {
    if (adapterNames.isEmpty()) {
      throw new IllegalArgumentException("an adapter stack needs at least one adapter");
    }
    List<LoraAdapter> ads = new ArrayList<>();
    for (String n : adapterNames) {
      ads.add(model.adapter(n));
    }
    LoraConfig first = ads.get(0).config();
    for (LoraAdapter a : ads) {
      LoraConfig c = a.config();
      if (c.rank() != first.rank() || !c.targetModules().equals(first.targetModules())
          || (c.headModule() == null) != (first.headModule() == null)
          || c.headWidth(1) != first.headWidth(1)) {
        throw new IllegalArgumentException("adapters '" + ads.get(0).name() + "' and '" + a.name()
            + "' differ in rank, targets or head and cannot be stacked");
      }
    }
    int layers = model.config().numLayers();
    NDManager m = model.newScope();
    try {
      NDArray[][] aT = new NDArray[layers][Proj.values().length];
      NDArray[][] bT = new NDArray[layers][Proj.values().length];
      for (int l = 0; l < layers; l++) {
        final int layer = l;
        for (Proj p : Proj.values()) {
          if (ads.get(0).a(layer, p) == null) {
            continue;
          }
          aT[layer][p.ordinal()] = stack(m, ads, a -> a.a(layer, p));
          bT[layer][p.ordinal()] = stack(m, ads, a -> a.b(layer, p));
        }
      }
      float[] s = new float[ads.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) ads.get(i).scale();
      }
      NDArray scales = org.ugda.core.tensor.NdData.floats(m, s, new ai.djl.ndarray.types.Shape(s.length, 1, 1));
      NDArray heads = ads.get(0).head() == null ? null : stack(m, ads, LoraAdapter::head);
      return new AdapterStack(ads.size(), m, aT, bT, scales, heads, adapterNames);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Stacks W^T of each adapter's matrix: [k, in, out] from k matrices [out, in]. */
  private static NDArray stack(NDManager m, List<LoraAdapter> ads, java.util.function.Function<LoraAdapter, NDArray> f) {
    try (NDManager tmp = m.newSubManager()) {
      NDList parts = new NDList();
      for (LoraAdapter a : ads) {
        NDArray t = f.apply(a).transpose();
        t.attach(tmp);
        parts.add(t);
      }
      NDArray stacked = ai.djl.ndarray.NDArrays.stack(parts, 0);
      stacked.attach(m);
      return stacked;
    }
  }

  public int members() {
    return members;
  }

  public List<String> names() {
    return names;
  }

  NDArray aT(int layer, Proj p) {
    return aT[layer][p.ordinal()];
  }

  NDArray bT(int layer, Proj p) {
    return bT[layer][p.ordinal()];
  }

  NDArray scales() {
    return scales;
  }

  NDArray headsT() {
    return headsT;
  }

  @Override
  public void close() {
    manager.close();
  }
}
