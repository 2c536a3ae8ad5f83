package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Scalars;

/**
 * k LoRA adapters with the same targets and rank, their matrices stacked so that one forward pass
 * serves every member: the batch is repeated k times along the batch axis, base weights are applied
 * once to all k*B rows (one large matmul instead of k small ones), and the low-rank updates of all
 * members are two plain matmuls: x [kB, T, in] times the concatenated A's [k*r, in] gives every
 * member's projection for every row; a block mask keeps, for the rows of member i, only member i's
 * r columns; times the concatenated (scale_i * B_i) [out, k*r] gives each row its own member's
 * update. The extra work (k-1 unused r-wide projections) is tiny next to the base matmuls, and
 * dense 2-D matmuls beat k small batched ones on a CPU. Heads are stacked for a batched matmul.
 *
 * <p>The stack holds copies of the adapters' small matrices (never of the base): build it for an
 * immutable ensemble version and close it when the version is unloaded.
 */
public final class AdapterStack implements AutoCloseable {
  private final int members;
  private final NDManager manager;
  private final NDArray[][] aAll;
  private final NDArray[][] bAll;
  private final int rank;
  private final NDArray headsT;
  private final List<String> names;

  private AdapterStack(
      int members,
      NDManager manager,
      NDArray[][] aAll,
      NDArray[][] bAll,
      int rank,
      NDArray headsT,
      List<String> names) {
    this.members = members;
    this.manager = manager;
    this.aAll = aAll;
    this.bAll = bAll;
    this.rank = rank;
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
      if (c.rank() != first.rank()
          || !c.targetModules().equals(first.targetModules())
          || (c.headModule() == null) != (first.headModule() == null)
          || c.headWidth(1) != first.headWidth(1)) {
        throw new IllegalArgumentException(
            "adapters '"
                + ads.get(0).name()
                + "' and '"
                + a.name()
                + "' differ in rank, targets or head and cannot be stacked");
      }
    }
    int layers = model.config().numLayers();
    NDManager m = model.newScope();
    try {
      NDArray[][] aAll = new NDArray[layers][Proj.values().length];
      NDArray[][] bAll = new NDArray[layers][Proj.values().length];
      for (int l = 0; l < layers; l++) {
        final int layer = l;
        for (Proj p : Proj.values()) {
          if (ads.get(0).a(layer, p) == null) {
            continue;
          }
          aAll[layer][p.ordinal()] = concat(m, ads, a -> a.a(layer, p).duplicate(), 0);
          bAll[layer][p.ordinal()] =
              concat(m, ads, a -> Scalars.mul(a.b(layer, p), (float) a.scale()), 1);
        }
      }
      NDArray heads = ads.get(0).head() == null ? null : stack(m, ads, LoraAdapter::head);
      return new AdapterStack(ads.size(), m, aAll, bAll, first.rank(), heads, adapterNames);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Concatenates one matrix of each adapter along an axis (the adapters' arrays stay untouched).
   */
  private static NDArray concat(
      NDManager m, List<LoraAdapter> ads, Function<LoraAdapter, NDArray> f, int axis) {
    try (NDManager tmp = m.newSubManager()) {
      NDList parts = new NDList();
      for (LoraAdapter a : ads) {
        NDArray t = f.apply(a);
        t.attach(tmp);
        parts.add(t);
      }
      NDArray joined = NDArrays.concat(parts, axis);
      joined.attach(m);
      return joined;
    }
  }

  /** Stacks W^T of each adapter's matrix: [k, in, out] from k matrices [out, in]. */
  private static NDArray stack(
      NDManager m, List<LoraAdapter> ads, Function<LoraAdapter, NDArray> f) {
    try (NDManager tmp = m.newSubManager()) {
      NDList parts = new NDList();
      for (LoraAdapter a : ads) {
        NDArray t = f.apply(a).transpose();
        t.attach(tmp);
        parts.add(t);
      }
      NDArray stacked = NDArrays.stack(parts, 0);
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

  /** The k A matrices concatenated, [k*r, in]; null where the module is not adapted. */
  NDArray aAll(int layer, Proj p) {
    return aAll[layer][p.ordinal()];
  }

  /** The k matrices scale_i * B_i concatenated, [out, k*r]. */
  NDArray bAll(int layer, Proj p) {
    return bAll[layer][p.ordinal()];
  }

  /** The block mask [kB, 1, k*r] for a batch of k*B rows: row i*B+b keeps columns i*r..i*r+r-1. */
  NDArray mask(NDManager scope, long rows) {
    int cols = members * rank;
    long perMember = rows / members;
    float[] m = new float[(int) rows * cols];
    for (long row = 0; row < rows; row++) {
      int member = (int) (row / perMember);
      for (int c = member * rank; c < (member + 1) * rank; c++) {
        m[(int) row * cols + c] = 1f;
      }
    }
    return NdData.floats(scope, m, new Shape(rows, 1, cols));
  }

  NDArray headsT() {
    return headsT;
  }

  @Override
  public void close() {
    manager.close();
  }
}
