package org.ugda.reward.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.reward.runtime.LoadedVersion;

/**
 * Trainable copies of a version's member adapters, under job-private names on the shared base; the
 * source version stays untouched and servable while the job trains. Closing removes the copies.
 */
final class MemberAdapters implements AutoCloseable {
  private final Transformer model;
  private final List<String> names = new ArrayList<>();
  private final List<Map<String, FloatTensor>> initial = new ArrayList<>();

  MemberAdapters(LoadedVersion source, UUID jobId) {
    this.model = source.base().model();
    try {
      for (int i = 0; i < source.adapters().size(); i++) {
        LoraAdapter from = model.adapter(source.adapters().get(i));
        String name = "job-" + jobId + "-m" + i;
        Map<String, FloatTensor> state = from.state();
        model.addAdapter(name, from.config(), state, "version copy");
        names.add(name);
        initial.add(state);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The shared base the copies live on. */
  Transformer model() {
    return model;
  }

  List<String> names() {
    return names;
  }

  /**
   * L2 norm of (current - initial) over an adapter's parameters, and that relative to the initial
   * norm.
   */
  Map<String, Double> movement(int i) {
    Map<String, FloatTensor> now = model.adapter(names.get(i)).state();
    double diff = 0;
    double base = 0;
    for (var e : initial.get(i).entrySet()) {
      float[] a = e.getValue().data();
      float[] b = now.get(e.getKey()).data();
      for (int j = 0; j < a.length; j++) {
        diff += (double) (b[j] - a[j]) * (b[j] - a[j]);
        base += (double) a[j] * a[j];
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("l2", Math.sqrt(diff));
    m.put("relative", base == 0 ? 0 : Math.sqrt(diff / base));
    return m;
  }

  long parameters(int i) {
    long n = 0;
    for (NamedArray p : model.adapter(names.get(i)).parameters()) {
      n += p.array().size();
    }
    return n;
  }

  @Override
  public void close() {
    names.forEach(model::removeAdapter);
  }
}
