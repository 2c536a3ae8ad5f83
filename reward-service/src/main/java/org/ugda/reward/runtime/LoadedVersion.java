package org.ugda.reward.runtime;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.ugda.core.model.AdapterStack;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.reward.RewardTrainer;

/**
 * An ensemble version in memory: its members' adapters on the shared base, and for a lora-mode
 * ensemble of several members their stack, so one forward pass scores every member. Leased while in
 * use; unloaded (adapters freed) when evicted and no lease is left.
 */
public final class LoadedVersion {
  private final UUID versionId;
  private final LoadedBase base;
  private final List<String> adapters;
  private final boolean heads;
  private final int members;
  private final AdapterStack stack;
  private final AtomicInteger leases = new AtomicInteger();
  private final int maxRowsPerPass;
  private volatile boolean evicted;

  LoadedVersion(
      UUID versionId,
      LoadedBase base,
      List<String> adapters,
      boolean heads,
      int members,
      int maxRowsPerPass) {
    this.versionId = versionId;
    this.maxRowsPerPass = maxRowsPerPass;
    this.base = base;
    this.adapters = List.copyOf(adapters);
    this.heads = heads;
    this.members = members;
    this.stack = !heads && adapters.size() > 1 ? AdapterStack.of(base.model(), adapters) : null;
  }

  public UUID versionId() {
    return versionId;
  }

  public LoadedBase base() {
    return base;
  }

  public int members() {
    return members;
  }

  public List<String> adapters() {
    return adapters;
  }

  /**
   * Every member's reward for each sequence, [n][k]: a heads-mode trunk gives k outputs per row; a
   * lora-mode stack runs k rows per sequence in one pass. Batches are cut into passes of at most
   * {@code maxRowsPerPass} rows, sequences sorted by length so that a pass pads little: on a CPU
   * the elementwise work of larger passes falls out of cache and costs more per row than it saves
   * (measured with {@code ugda bench reward}, small world model, k = 3, 32 items: passes of at most
   * 32 rows 106-132 us per token, of at most 96 rows 164-227 us).
   */
  public float[][] score(List<long[]> seqs) {
    int rowsPerItem = stack != null ? members : 1;
    int chunk = Math.max(1, maxRowsPerPass / rowsPerItem);
    if (seqs.size() <= 1) {
      return scoreOnePass(seqs);
    }
    // shortest first, so each pass pads its rows to a similar length; results go back in order
    Integer[] order = new Integer[seqs.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> seqs.get(i).length));
    float[][] out = new float[seqs.size()][];
    for (int from = 0; from < order.length; from += chunk) {
      List<long[]> part = new ArrayList<>();
      for (int i = from; i < Math.min(order.length, from + chunk); i++) {
        part.add(seqs.get(order[i]));
      }
      float[][] scored = scoreOnePass(part);
      for (int i = 0; i < scored.length; i++) {
        out[order[from + i]] = scored[i];
      }
    }
    return out;
  }

  private float[][] scoreOnePass(List<long[]> seqs) {
    Transformer m = base.model();
    int n = seqs.size();
    TokenBatch batch = TokenBatch.rightPadded(seqs, Math.max(0, m.config().padTokenId()));
    float[][] out = new float[n][members];
    try (NDManager scope = m.newScope()) {
      if (stack != null) {
        float[] s =
            m.forward(scope, batch, ForwardOptions.stackedScores(stack)).scores().toFloatArray();
        for (int i = 0; i < members; i++) {
          for (int r = 0; r < n; r++) {
            out[r][i] = s[i * n + r];
          }
        }
      } else {
        float[] s =
            m.forward(scope, batch, ForwardOptions.scores(adapters.get(0))).scores().toFloatArray();
        for (int r = 0; r < n; r++) {
          System.arraycopy(s, r * members, out[r], 0, members);
        }
      }
    }
    return out;
  }

  /**
   * Scores with one member's adapter alone (for benchmarks and checks), in the same passes of at
   * most maxRowsPerPass rows.
   */
  public float[] scoreMember(List<long[]> seqs, int member) {
    String adapter = heads ? adapters.get(0) : adapters.get(member);
    float[][] s = RewardTrainer.score(base.model(), adapter, seqs, maxRowsPerPass);
    float[] one = new float[seqs.size()];
    for (int r = 0; r < one.length; r++) {
      one[r] = s[r][heads ? member : 0];
    }
    return one;
  }

  boolean acquire() {
    leases.incrementAndGet();
    if (evicted) {
      release();
      return false;
    }
    return true;
  }

  void release() {
    if (leases.decrementAndGet() == 0 && evicted) {
      unload();
    }
  }

  void evict() {
    evicted = true;
    if (leases.get() == 0) {
      unload();
    }
  }

  private synchronized void unload() {
    if (stack != null) {
      stack.close();
    }
    for (String a : adapters) {
      base.model().removeAdapter(a);
    }
  }
}
