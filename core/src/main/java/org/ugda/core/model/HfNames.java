package org.ugda.core.model;

/**
 * Every tensor name core reads or writes, built in one place: the base weights as transformers
 * names them in a {@code *ForCausalLM} or {@code *ForSequenceClassification} checkpoint, a LoRA
 * adapter's parameters as PEFT names them in memory ({@code named_parameters()}, the names of
 * gradients, optimizer state and the golden fixtures), and as PEFT stores them in {@code
 * adapter_model.safetensors}.
 *
 * <p>A module is named by its path, e.g. {@code model.layers.3.self_attn.q_proj} ({@link
 * #layer(int, String)}, or {@link Proj#moduleKey(int)} for a linear layer); its tensors add {@code
 * .weight} or {@code .bias}.
 *
 * <p>PEFT wraps the model twice ({@code PeftModel.base_model} is a {@code LoraModel} whose {@code
 * model} is the transformers model), so in memory every name gains {@link #PEFT_PREFIX}, a LoRA
 * matrix lives at {@code <module>.lora_A.default.weight} ({@code default} is the adapter's name in
 * PEFT) and a trained copy of a head at {@code <head>.modules_to_save.default.weight}. Saving drops
 * the adapter name: {@code <module>.lora_A.weight} and {@code <head>.weight}.
 */
public final class HfNames {
  private HfNames() {}

  /** Token embeddings [vocab, hidden]; also the LM head when the embeddings are tied. */
  public static final String EMBED_TOKENS = "model.embed_tokens.weight";

  /** The final RMSNorm's weight [hidden], applied before the heads. */
  public static final String FINAL_NORM = "model.norm.weight";

  /** The separate (untied) LM head of a {@code *ForCausalLM} [vocab, hidden]. */
  public static final String LM_HEAD = "lm_head.weight";

  /**
   * The module of a {@code *ForSequenceClassification}'s head, as PEFT's modules_to_save names it.
   */
  public static final String SCORE_MODULE = "score";

  /** The head of a {@code *ForSequenceClassification} [num_labels, hidden]. */
  public static final String SCORE = weight(SCORE_MODULE);

  /** PEFT's prefix of every in-memory parameter name. */
  public static final String PEFT_PREFIX = "base_model.model.";

  /** The adapter name PEFT gives a single adapter, part of every in-memory LoRA name. */
  public static final String PEFT_ADAPTER = "default";

  private static final String LORA_A = ".lora_A";
  private static final String LORA_B = ".lora_B";
  private static final String WEIGHT = ".weight";
  private static final String IN_MEMORY_WEIGHT = "." + PEFT_ADAPTER + WEIGHT;

  // ---------------------------------------------------------------- transformers

  /** A module of decoder layer {@code layer}, e.g. {@code model.layers.3.self_attn.q_proj}. */
  public static String layer(int layer, String path) {
    return "model.layers." + layer + "." + path;
  }

  /** The RMSNorm before a layer's attention [hidden]. */
  public static String inputNorm(int layer) {
    return layer(layer, "input_layernorm.weight");
  }

  /** The RMSNorm before a layer's MLP [hidden]. */
  public static String postAttentionNorm(int layer) {
    return layer(layer, "post_attention_layernorm.weight");
  }

  /** A module's weight, e.g. {@code model.layers.3.self_attn.q_proj.weight}. */
  public static String weight(String module) {
    return module + WEIGHT;
  }

  /** A module's bias, e.g. {@code model.layers.3.self_attn.q_proj.bias}. */
  public static String bias(String module) {
    return module + ".bias";
  }

  /** Whether a base weight is an RMSNorm's (a layer's two and the final one). */
  public static boolean isNorm(String name) {
    return name.endsWith("norm.weight");
  }

  /** Whether a base tensor is a bias. */
  public static boolean isBias(String name) {
    return name.endsWith(".bias");
  }

  // ---------------------------------------------------------------- PEFT, in memory

  /**
   * PEFT's in-memory name of a module's lora_A [r, in], e.g. {@code
   * base_model.model.model.layers.3.self_attn.q_proj.lora_A.default.weight}.
   */
  public static String loraA(String module) {
    return PEFT_PREFIX + module + LORA_A + IN_MEMORY_WEIGHT;
  }

  /** PEFT's in-memory name of a module's lora_B [out, r]; see {@link #loraA(String)}. */
  public static String loraB(String module) {
    return PEFT_PREFIX + module + LORA_B + IN_MEMORY_WEIGHT;
  }

  /**
   * PEFT's in-memory name of an adapter's own trained copy of a head, e.g. {@code
   * base_model.model.score.modules_to_save.default.weight}.
   */
  public static String peftHead(String headModule) {
    return PEFT_PREFIX + headModule + ".modules_to_save" + IN_MEMORY_WEIGHT;
  }

  // ---------------------------------------------------------------- PEFT,
  // adapter_model.safetensors

  /**
   * The key under which {@code adapter_model.safetensors} stores an in-memory parameter: the
   * adapter name dropped ({@code ...q_proj.lora_A.weight}), a trained head under its module's plain
   * name ({@code base_model.model.score.weight}). {@code headModule} may be null.
   */
  public static String toAdapterFile(String name, String headModule) {
    if (headModule != null && name.equals(peftHead(headModule))) {
      return adapterFileHead(headModule);
    }
    return name.replace(IN_MEMORY_WEIGHT, WEIGHT);
  }

  /**
   * The in-memory name of a key of {@code adapter_model.safetensors} (the inverse of {@link
   * #toAdapterFile}), or null when the key is neither a LoRA matrix nor the head {@code headModule}
   * (which may be null).
   */
  public static String fromAdapterFile(String key, String headModule) {
    if (headModule != null && key.equals(adapterFileHead(headModule))) {
      return peftHead(headModule);
    }
    if (key.endsWith(LORA_A + WEIGHT) || key.endsWith(LORA_B + WEIGHT)) {
      return key.substring(0, key.length() - WEIGHT.length()) + IN_MEMORY_WEIGHT;
    }
    return null;
  }

  private static String adapterFileHead(String headModule) {
    return PEFT_PREFIX + weight(headModule);
  }
}
