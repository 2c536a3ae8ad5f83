package org.ugda.core.lora;

import java.util.List;
import java.util.Set;

/**
 * A LoRA adapter's hyper-parameters, as PEFT's {@code LoraConfig} names them.
 *
 * @param rank r, the inner dimension of A [r, in] and B [out, r] (DESIGN.md default 8)
 * @param alpha scaling numerator: the update is (alpha / r) * B A x (default 64)
 * @param targetModules short names of the linear layers adapted, e.g. q_proj, v_proj
 * @param dropout dropout on the adapter's input during training (0 = none)
 * @param rslora scale alpha / sqrt(r) instead of alpha / r (PEFT's {@code use_rslora})
 * @param headModule name of the scalar head trained with the adapter ("score"), or null
 * @param headOutputs outputs of that head: 0 = the model's num_labels; k = one output per member of
 *     a {@code heads}-mode ensemble (one shared trunk, k linear heads)
 */
public record LoraConfig(
    int rank,
    double alpha,
    List<String> targetModules,
    double dropout,
    boolean rslora,
    String headModule,
    int headOutputs) {

  public LoraConfig(
      int rank,
      double alpha,
      List<String> targetModules,
      double dropout,
      boolean rslora,
      String headModule) {
    this(rank, alpha, targetModules, dropout, rslora, headModule, 0);
  }

  public static final Set<String> KNOWN_MODULES =
      Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  public LoraConfig {
    targetModules = List.copyOf(targetModules);
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank r must be positive, got " + rank);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("lora_alpha must be positive, got " + alpha);
    }
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException(
          "target_modules must name at least one of " + KNOWN_MODULES);
    }
    for (String m : targetModules) {
      if (!KNOWN_MODULES.contains(m)) {
        throw new IllegalArgumentException(
            "target module '"
                + m
                + "' is not a linear layer of this model; choose from "
                + KNOWN_MODULES);
      }
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
    }
    if (headOutputs < 0) {
      throw new IllegalArgumentException(
          "headOutputs must be >= 0 (0 = the model's num_labels), got " + headOutputs);
    }
  }

  /** Width of the head for a model with {@code numLabels} labels. */
  public int headWidth(int numLabels) {
    return headOutputs > 0 ? headOutputs : numLabels;
  }

  /** The paper's default: r 8, alpha 64 on q_proj and v_proj, no dropout (DESIGN.md section 3). */
  public static LoraConfig paperDefault(String headModule) {
    return new LoraConfig(8, 64, List.of("q_proj", "v_proj"), 0.0, false, headModule);
  }

  public double scale() {
    return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  public boolean targets(String module) {
    return targetModules.contains(module);
  }

  public LoraConfig withHead(String head) {
    return new LoraConfig(rank, alpha, targetModules, dropout, rslora, head, headOutputs);
  }

  public LoraConfig withHeadOutputs(int outputs) {
    return new LoraConfig(rank, alpha, targetModules, dropout, rslora, headModule, outputs);
  }
}
