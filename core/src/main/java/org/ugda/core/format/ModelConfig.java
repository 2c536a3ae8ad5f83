package org.ugda.core.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parts of a Hugging Face {@code config.json} that define a decoder-only transformer of the
 * Llama, Gemma or Qwen2 family, with a causal-LM head or a scalar sequence-classification head.
 *
 * <p>RoPE theta is read from {@code rope_parameters.rope_theta} (transformers 5) or top-level
 * {@code rope_theta} (older checkpoints); scaling from {@code rope_parameters} or {@code
 * rope_scaling}.
 *
 * @param family architecture family: fixes the norm form, embedding scaling and biases
 * @param head {@code *ForCausalLM} or {@code *ForSequenceClassification}
 * @param numKvHeads key/value heads: fewer than {@code numHeads} is grouped-query attention, one is
 *     multi-query attention
 * @param headDim size of one attention head (Gemma's is not hidden/heads)
 * @param qkvBias bias on the q/k/v projections (Qwen2 always; Llama's {@code attention_bias})
 * @param outputBias bias on o_proj (Llama's {@code attention_bias})
 * @param numLabels outputs of the classification head (1 for a reward model)
 */
public record ModelConfig(
    Family family,
    Head head,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double ropeTheta,
    RopeScaling ropeScaling,
    double rmsNormEps,
    Activation activation,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    int numLabels,
    int padTokenId,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int maxPositionEmbeddings) {

  /** Architecture families and what sets them apart. */
  public enum Family {
    LLAMA("llama", "Llama"),
    GEMMA("gemma", "Gemma"),
    QWEN2("qwen2", "Qwen2");

    private final String modelType;
    private final String classPrefix;

    Family(String modelType, String classPrefix) {
      this.modelType = modelType;
      this.classPrefix = classPrefix;
    }

    public String modelType() {
      return modelType;
    }

    /** Gemma's RMSNorm multiplies by {@code 1 + weight}. */
    public boolean normAddsOne() {
      return this == GEMMA;
    }

    /** Gemma multiplies the embeddings by sqrt(hidden size). */
    public boolean scalesEmbeddings() {
      return this == GEMMA;
    }

    public String architecture(Head head) {
      return classPrefix + head.suffix;
    }
  }

  /** The model head: next-token logits, or a score read at the last non-pad token. */
  public enum Head {
    CAUSAL_LM("ForCausalLM"),
    SEQUENCE_CLASSIFICATION("ForSequenceClassification");

    private final String suffix;

    Head(String suffix) {
      this.suffix = suffix;
    }
  }

  /** MLP activations: SwiGLU uses SiLU, GeGLU uses GELU (tanh approximation or exact). */
  public enum Activation {
    SILU("silu"),
    GELU_TANH("gelu_pytorch_tanh"),
    GELU("gelu");

    private final String hfName;

    Activation(String hfName) {
      this.hfName = hfName;
    }

    public String hfName() {
      return hfName;
    }

    static Activation parse(String s, Path file) {
      for (Activation a : values()) {
        if (a.hfName.equals(s)) {
          return a;
        }
      }
      if ("swish".equals(s)) {
        return SILU;
      }
      if ("gelu_new".equals(s) || "gelu_fast".equals(s)) {
        return GELU_TANH;
      }
      throw new CheckpointException(
          file
              + ": hidden activation '"
              + s
              + "' is not supported; supported: silu, gelu, gelu_pytorch_tanh");
    }
  }

  /**
   * RoPE frequency scaling. {@code default}: none; {@code linear}: positions divided by factor;
   * {@code llama3}: Llama 3.1's smooth per-frequency scaling.
   */
  public record RopeScaling(
      String type,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 1.0, 4.0, 8192);
  }

  public static final List<String> SUPPORTED_ARCHITECTURES =
      Arrays.stream(Family.values())
          .flatMap(f -> Arrays.stream(Head.values()).map(f::architecture))
          .toList();

  public ModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    require(vocabSize > 0, "vocab_size must be positive");
    require(hiddenSize > 0, "hidden_size must be positive");
    require(intermediateSize > 0, "intermediate_size must be positive");
    require(numLayers > 0, "num_hidden_layers must be positive");
    require(numHeads > 0, "num_attention_heads must be positive");
    require(
        numKvHeads > 0 && numHeads % numKvHeads == 0,
        "num_key_value_heads ("
            + numKvHeads
            + ") must divide num_attention_heads ("
            + numHeads
            + ")");
    require(
        headDim > 0 && headDim % 2 == 0,
        "head_dim must be positive and even for RoPE, got " + headDim);
    require(numLabels > 0, "num_labels must be positive");
  }

  /**
   * A plain Llama causal LM of the small kind tests, benchmarks and the benchmark world build from
   * scratch: head size {@code hidden / heads}, RoPE theta 10000 without scaling, RMSNorm eps 1e-6,
   * SwiGLU, no biases, untied embeddings, one label; pad 0, bos 1, eos 2.
   */
  public static ModelConfig llama(
      int vocab, int hidden, int ffn, int layers, int heads, int kvHeads, int maxPositions) {
    return new ModelConfig(
        Family.LLAMA,
        Head.CAUSAL_LM,
        vocab,
        hidden,
        ffn,
        layers,
        heads,
        kvHeads,
        hidden / heads,
        10000.0,
        RopeScaling.NONE,
        1e-6,
        Activation.SILU,
        false,
        false,
        false,
        false,
        1,
        0,
        1,
        List.of(2),
        maxPositions);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new CheckpointException("config: " + message);
    }
  }

  public int kvGroups() {
    return numHeads / numKvHeads;
  }

  public String architecture() {
    return family.architecture(head);
  }

  /** The same model with another head (a reward model from a causal LM, say). */
  public ModelConfig withHead(Head newHead, int labels) {
    return new ModelConfig(
        family,
        newHead,
        vocabSize,
        hiddenSize,
        intermediateSize,
        numLayers,
        numHeads,
        numKvHeads,
        headDim,
        ropeTheta,
        ropeScaling,
        rmsNormEps,
        activation,
        newHead == Head.CAUSAL_LM && tieWordEmbeddings,
        qkvBias,
        outputBias,
        mlpBias,
        labels,
        padTokenId,
        bosTokenId,
        eosTokenIds,
        maxPositionEmbeddings);
  }

  /** Reads {@code config.json} from a checkpoint directory (or the file itself). */
  public static ModelConfig load(Path dirOrFile) {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(
          file + ": no such file; a Hugging Face checkpoint directory has config.json");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file);
  }

  /** Parses the text of a {@code config.json}; {@code file} is named in every error. */
  public static ModelConfig parse(String json, Path file) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new CheckpointException(
            file + ": malformed config: the top level must be a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new CheckpointException(file + ": malformed JSON: " + rootMessage(e), e);
    }
    try {
      return fromJson(o, file);
    } catch (CheckpointException e) {
      if (e.getMessage().startsWith("config: ")) {
        throw new CheckpointException(
            file + ": " + e.getMessage().substring("config: ".length()), e);
      }
      throw e;
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": malformed config: " + e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** The fields of a parsed {@code config.json}, with a default for each optional one. */
  private static ModelConfig fromJson(JsonObject o, Path file) {
    FamilyAndHead kind = familyAndHead(o, file);
    Family family = kind.family();
    Head head = kind.head();
    int hidden = requiredInt(o, "hidden_size", file);
    int heads = requiredInt(o, "num_attention_heads", file);
    int kvHeads = optInt(o, "num_key_value_heads", heads);
    int headDim = optInt(o, "head_dim", hidden / heads);
    Activation act = activation(o, family, file);
    boolean attnBias = optBool(o, "attention_bias", false);
    boolean qkvBias = family == Family.QWEN2 || attnBias;
    boolean outBias = family != Family.QWEN2 && attnBias;
    if (family == Family.QWEN2 && optBool(o, "use_sliding_window", false)) {
      throw new CheckpointException(
          file + ": use_sliding_window=true is not supported; set it to false");
    }
    JsonObject ropeParams =
        o.has("rope_parameters") && o.get("rope_parameters").isJsonObject()
            ? o.getAsJsonObject("rope_parameters")
            : null;
    JsonObject ropeScaling =
        o.has("rope_scaling") && o.get("rope_scaling").isJsonObject()
            ? o.getAsJsonObject("rope_scaling")
            : null;
    double theta = ropeTheta(o, ropeParams);
    RopeScaling scaling = parseScaling(ropeParams != null ? ropeParams : ropeScaling, file);
    int numLabels = numLabels(o);
    boolean tieDefault = family == Family.GEMMA;
    return new ModelConfig(
        family,
        head,
        requiredInt(o, "vocab_size", file),
        hidden,
        requiredInt(o, "intermediate_size", file),
        requiredInt(o, "num_hidden_layers", file),
        heads,
        kvHeads,
        headDim,
        theta,
        scaling,
        optDouble(o, "rms_norm_eps", 1e-6),
        act,
        optBool(o, "tie_word_embeddings", tieDefault),
        qkvBias,
        outBias,
        optBool(o, "mlp_bias", false),
        numLabels,
        optInt(o, "pad_token_id", -1),
        optInt(o, "bos_token_id", -1),
        eosList(o),
        optInt(o, "max_position_embeddings", 2048));
  }

  /** A checkpoint's family and head, from {@code architectures[0]} and/or {@code model_type}. */
  private record FamilyAndHead(Family family, Head head) {}

  /**
   * The family and head {@code architectures[0]} names (the head defaults to a causal LM), checked
   * against {@code model_type} where both are given; at least one must be.
   */
  private static FamilyAndHead familyAndHead(JsonObject o, Path file) {
    String arch = null;
    if (o.has("architectures")
        && o.get("architectures").isJsonArray()
        && !o.getAsJsonArray("architectures").isEmpty()) {
      arch = o.getAsJsonArray("architectures").get(0).getAsString();
    }
    String modelType = o.has("model_type") ? o.get("model_type").getAsString() : null;
    Family family = null;
    Head head = Head.CAUSAL_LM;
    if (arch != null) {
      boolean known = false;
      for (Family f : Family.values()) {
        for (Head h : Head.values()) {
          if (f.architecture(h).equals(arch)) {
            family = f;
            head = h;
            known = true;
          }
        }
      }
      if (!known) {
        throw new CheckpointException(
            file
                + ": unsupported architecture '"
                + arch
                + "'; supported: "
                + String.join(", ", SUPPORTED_ARCHITECTURES));
      }
    }
    if (modelType != null) {
      Family byType = null;
      for (Family f : Family.values()) {
        if (f.modelType.equals(modelType)) {
          byType = f;
        }
      }
      if (byType == null) {
        throw new CheckpointException(
            file
                + ": unsupported model_type '"
                + modelType
                + "'; supported: "
                + Arrays.stream(Family.values())
                    .map(Family::modelType)
                    .collect(Collectors.joining(", ")));
      }
      if (family != null && family != byType) {
        throw new CheckpointException(
            file + ": model_type '" + modelType + "' contradicts architecture '" + arch + "'");
      }
      family = byType;
    }
    if (family == null) {
      throw new CheckpointException(
          file
              + ": neither \"architectures\" nor \"model_type\" is set; supported: "
              + String.join(", ", SUPPORTED_ARCHITECTURES));
    }
    return new FamilyAndHead(family, head);
  }

  /**
   * The MLP activation: {@code hidden_act}, or for Gemma {@code hidden_activation} first; a legacy
   * Gemma config's plain "gelu" means the tanh form.
   */
  private static Activation activation(JsonObject o, Family family, Path file) {
    Activation act =
        switch (family) {
          case GEMMA ->
              Activation.parse(
                  optString(
                      o, "hidden_activation", optString(o, "hidden_act", "gelu_pytorch_tanh")),
                  file);
          default -> Activation.parse(optString(o, "hidden_act", "silu"), file);
        };
    if (family == Family.GEMMA && !o.has("hidden_activation") && act == Activation.GELU) {
      // transformers runs legacy Gemma configs ("gelu" without hidden_activation) with the tanh
      // form
      act = Activation.GELU_TANH;
    }
    return act;
  }

  /**
   * RoPE theta: transformers 5's {@code rope_parameters.rope_theta}, else top-level, else 10000.
   */
  private static double ropeTheta(JsonObject o, JsonObject ropeParams) {
    if (ropeParams != null && ropeParams.has("rope_theta")) {
      return ropeParams.get("rope_theta").getAsDouble();
    }
    if (o.has("rope_theta")) {
      return o.get("rope_theta").getAsDouble();
    }
    return 10000.0;
  }

  /** {@code num_labels}, else the size of {@code id2label}, else 1. */
  private static int numLabels(JsonObject o) {
    if (o.has("num_labels")) {
      return o.get("num_labels").getAsInt();
    }
    if (o.has("id2label") && o.get("id2label").isJsonObject()) {
      return Math.max(1, o.getAsJsonObject("id2label").size());
    }
    return 1;
  }

  private static RopeScaling parseScaling(JsonObject s, Path file) {
    if (s == null) {
      return RopeScaling.NONE;
    }
    String type =
        s.has("rope_type")
            ? s.get("rope_type").getAsString()
            : s.has("type") ? s.get("type").getAsString() : "default";
    return switch (type) {
      case "default" -> RopeScaling.NONE;
      case "linear" -> new RopeScaling("linear", optDouble(s, "factor", 1.0), 1, 4, 8192);
      case "llama3" ->
          new RopeScaling(
              "llama3",
              optDouble(s, "factor", 8.0),
              optDouble(s, "low_freq_factor", 1.0),
              optDouble(s, "high_freq_factor", 4.0),
              optInt(s, "original_max_position_embeddings", 8192));
      default ->
          throw new CheckpointException(
              file
                  + ": RoPE type '"
                  + type
                  + "' is not supported; supported: default, linear, llama3");
    };
  }

  private static List<Integer> eosList(JsonObject o) {
    List<Integer> out = new ArrayList<>();
    if (o.has("eos_token_id") && !o.get("eos_token_id").isJsonNull()) {
      JsonElement e = o.get("eos_token_id");
      if (e.isJsonArray()) {
        for (JsonElement x : e.getAsJsonArray()) {
          out.add(x.getAsInt());
        }
      } else {
        out.add(e.getAsInt());
      }
    }
    return out;
  }

  private static int requiredInt(JsonObject o, String key, Path file) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      throw new CheckpointException(file + ": required field \"" + key + "\" is missing");
    }
    try {
      return o.get(key).getAsInt();
    } catch (RuntimeException e) {
      throw new CheckpointException(
          file + ": field \"" + key + "\" must be an integer, got " + o.get(key));
    }
  }

  private static int optInt(JsonObject o, String key, int def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : def;
  }

  private static double optDouble(JsonObject o, String key, double def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : def;
  }

  private static boolean optBool(JsonObject o, String key, boolean def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsBoolean() : def;
  }

  private static String optString(JsonObject o, String key, String def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : def;
  }

  /** This config in the transformers 5 layout, which every loader of the family reads. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of(architecture()));
    m.put("model_type", family.modelType());
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numLayers);
    m.put("num_attention_heads", numHeads);
    m.put("num_key_value_heads", numKvHeads);
    m.put("head_dim", headDim);
    m.put(family == Family.GEMMA ? "hidden_activation" : "hidden_act", activation.hfName());
    if (family == Family.GEMMA) {
      m.put("hidden_act", activation.hfName());
    }
    m.put("rms_norm_eps", rmsNormEps);
    Map<String, Object> rope = new LinkedHashMap<>();
    rope.put("rope_theta", ropeTheta);
    rope.put("rope_type", ropeScaling.type());
    if (!ropeScaling.type().equals("default")) {
      rope.put("factor", ropeScaling.factor());
    }
    if (ropeScaling.type().equals("llama3")) {
      rope.put("low_freq_factor", ropeScaling.lowFreqFactor());
      rope.put("high_freq_factor", ropeScaling.highFreqFactor());
      rope.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
    }
    m.put("rope_parameters", rope);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    if (family != Family.QWEN2) {
      m.put("attention_bias", qkvBias);
    }
    if (family == Family.LLAMA) {
      m.put("mlp_bias", mlpBias);
    }
    m.put("max_position_embeddings", maxPositionEmbeddings);
    if (padTokenId >= 0) {
      m.put("pad_token_id", padTokenId);
    }
    if (bosTokenId >= 0) {
      m.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      m.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      m.put("eos_token_id", eosTokenIds);
    }
    if (head == Head.SEQUENCE_CLASSIFICATION) {
      Map<String, String> id2label = new LinkedHashMap<>();
      Map<String, Integer> label2id = new LinkedHashMap<>();
      for (int i = 0; i < numLabels; i++) {
        id2label.put(Integer.toString(i), "LABEL_" + i);
        label2id.put("LABEL_" + i, i);
      }
      m.put("id2label", id2label);
      m.put("label2id", label2id);
    }
    m.put("dtype", "float32");
    m.put("use_cache", true);
    Gson gson = new GsonBuilder().setPrettyPrinting().create();
    return gson.toJson(m);
  }
}
