package org.ugda.core.model;

/**
 * What one forward pass computes.
 *
 * @param adapter LoRA adapter to apply, or null for the bare base (the SFT reference policy)
 * @param logits compute LM logits [B, T, V]
 * @param lastLogitsOnly compute logits only at the last column [B, 1, V] (generation)
 * @param scores compute the scalar head at each row's last non-pad token [B, labels]
 * @param cache KV cache to extend (generation), or null
 * @param capture records each adapted layer's input and output gradient probe, for closed-form
 *     per-sample gradients; null when not needed
 * @param training apply LoRA dropout
 * @param stack k adapters run in one pass (lora-mode ensembles); the output has k*B rows, member
 *     i's rows at i*B..i*B+B-1; excludes {@code adapter}
 */
public record ForwardOptions(
    String adapter,
    boolean logits,
    boolean lastLogitsOnly,
    boolean scores,
    KvCache cache,
    LoraCapture capture,
    boolean training,
    AdapterStack stack) {

  public ForwardOptions {
    if (stack != null && (adapter != null || capture != null || cache != null)) {
      throw new IllegalArgumentException(
          "an adapter stack runs alone: no single adapter, capture or cache with it");
    }
  }

  public ForwardOptions(
      String adapter,
      boolean logits,
      boolean lastLogitsOnly,
      boolean scores,
      KvCache cache,
      LoraCapture capture,
      boolean training) {
    this(adapter, logits, lastLogitsOnly, scores, cache, capture, training, null);
  }

  /** Scores of every member of a stack in one pass. */
  public static ForwardOptions stackedScores(AdapterStack stack) {
    return new ForwardOptions(null, false, false, true, null, null, false, stack);
  }

  public static ForwardOptions logits(String adapter) {
    return new ForwardOptions(adapter, true, false, false, null, null, false);
  }

  public static ForwardOptions scores(String adapter) {
    return new ForwardOptions(adapter, false, false, true, null, null, false);
  }

  public ForwardOptions withCache(KvCache c) {
    return new ForwardOptions(adapter, logits, lastLogitsOnly, scores, c, capture, training, stack);
  }

  public ForwardOptions withLastLogitsOnly() {
    return new ForwardOptions(adapter, true, true, scores, cache, capture, training, stack);
  }

  public ForwardOptions withCapture(LoraCapture c) {
    return new ForwardOptions(adapter, logits, lastLogitsOnly, scores, cache, c, training, stack);
  }

  public ForwardOptions withTraining(boolean t) {
    return new ForwardOptions(adapter, logits, lastLogitsOnly, scores, cache, capture, t, stack);
  }
}
