package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What a forward pass records for closed-form per-sample LoRA gradients: for each adapted layer its
 * input X [B,T,in], the projection X A^T [B,T,r] and a zero probe [B,T,out] added to the output,
 * whose gradient after backward is dL/dy per sample; and for a head, the pooled hidden state and a
 * probe on the scores.
 */
public final class LoraCapture {

  /** One adapted linear layer's record. */
  public record Site(int layer, Proj proj, NDArray input, NDArray projected, NDArray probe) {}

  private final List<Site> sites = new ArrayList<>();
  private NDArray pooled;
  private NDArray scoreProbe;

  void add(Site s) {
    sites.add(s);
  }

  void head(NDArray pooledHidden, NDArray probe) {
    this.pooled = pooledHidden;
    this.scoreProbe = probe;
  }

  public List<Site> sites() {
    return sites;
  }

  public NDArray pooled() {
    return pooled;
  }

  public NDArray scoreProbe() {
    return scoreProbe;
  }
}
