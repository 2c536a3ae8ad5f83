package org.ugda.core.lora;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.model.HfNames;
import org.ugda.core.model.Proj;
import org.ugda.core.tensor.FloatTensor;

/**
 * Reads and writes LoRA adapters in PEFT's layout: {@code adapter_config.json} and {@code
 * adapter_model.safetensors}, whose keys drop the adapter name ({@code ...q_proj.lora_A.weight})
 * and store a trained head under its module's plain name ({@code base_model.model.score.weight}).
 * What is written here loads in Python with {@code PeftModel.from_pretrained}, and back. The names
 * on either side come from {@link HfNames}.
 */
public final class PeftAdapters {
  private PeftAdapters() {}

  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";

  /** An adapter read from disk: its config and tensors under PEFT in-memory names. */
  public record Loaded(LoraConfig config, String taskType, Map<String, FloatTensor> tensors) {}

  public static Loaded read(Path dir, ModelConfig model) {
    Path cfgFile = dir.resolve(CONFIG);
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(cfgFile)).getAsJsonObject();
    } catch (NoSuchFileException e) {
      throw new CheckpointException(
          cfgFile + ": no such file; a PEFT adapter directory has " + CONFIG + " and " + WEIGHTS);
    } catch (IOException e) {
      throw new CheckpointException(cfgFile + ": cannot read: " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(cfgFile + ": malformed JSON: " + e.getMessage(), e);
    }
    LoraConfig cfg;
    String task;
    try {
      cfg = parseConfig(o, cfgFile, model);
      task =
          o.has("task_type") && !o.get("task_type").isJsonNull()
              ? o.get("task_type").getAsString()
              : "CAUSAL_LM";
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CheckpointException(cfgFile + ": " + e.getMessage(), e);
    }
    Path weights = dir.resolve(WEIGHTS);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
      for (String key : f.names()) {
        String name = HfNames.fromAdapterFile(key, cfg.headModule());
        if (name == null) {
          throw new CheckpointException(
              weights
                  + ": unexpected tensor '"
                  + key
                  + "' (only lora_A/lora_B and the head listed in modules_to_save are supported)");
        }
        tensors.put(name, new FloatTensor(f.info(key).shape(), f.readFloats(key)));
      }
    }
    if (cfg.headModule() != null) {
      FloatTensor head = tensors.get(HfNames.peftHead(cfg.headModule()));
      if (head != null && head.rank() == 2 && head.dim(0) != model.numLabels()) {
        cfg = cfg.withHeadOutputs((int) head.dim(0));
      }
    }
    return new Loaded(cfg, task, tensors);
  }

  private static LoraConfig parseConfig(JsonObject o, Path file, ModelConfig model) {
    String type = str(o, "peft_type", "LORA");
    if (!type.equals("LORA")) {
      throw new CheckpointException(
          file + ": peft_type '" + type + "' is not supported; supported: LORA");
    }
    refuse(o, file, "use_dora", "DoRA");
    refuse(o, file, "fan_in_fan_out", "fan_in_fan_out (Conv1D models)");
    refuse(o, file, "lora_bias", "lora_bias");
    if (!str(o, "bias", "none").equals("none")) {
      throw new CheckpointException(
          file + ": bias '" + str(o, "bias", "") + "' is not supported; supported: none");
    }
    for (String k : List.of("rank_pattern", "alpha_pattern")) {
      if (o.has(k) && o.get(k).isJsonObject() && !o.getAsJsonObject(k).isEmpty()) {
        throw new CheckpointException(
            file + ": " + k + " is not supported; use one rank and alpha for all modules");
      }
    }
    if (o.has("layers_to_transform") && !o.get("layers_to_transform").isJsonNull()) {
      throw new CheckpointException(
          file + ": layers_to_transform is not supported; adapt every layer");
    }
    List<String> targets = targets(o.get("target_modules"), file, model);
    String head = null;
    if (o.has("modules_to_save") && o.get("modules_to_save").isJsonArray()) {
      for (JsonElement e : o.getAsJsonArray("modules_to_save")) {
        if (e.getAsString().equals(HfNames.SCORE_MODULE)) {
          head = HfNames.SCORE_MODULE;
        }
      }
    }
    try {
      return new LoraConfig(
          o.get("r").getAsInt(),
          o.get("lora_alpha").getAsDouble(),
          targets,
          o.has("lora_dropout") ? o.get("lora_dropout").getAsDouble() : 0.0,
          o.has("use_rslora") && o.get("use_rslora").getAsBoolean(),
          head);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> targets(JsonElement t, Path file, ModelConfig model) {
    if (t == null || t.isJsonNull()) {
      throw new CheckpointException(file + ": target_modules is missing");
    }
    List<String> out = new ArrayList<>();
    if (t.isJsonArray()) {
      for (JsonElement e : t.getAsJsonArray()) {
        String name = e.getAsString();
        if (!LoraConfig.KNOWN_MODULES.contains(name)) {
          throw new CheckpointException(
              file
                  + ": target module '"
                  + name
                  + "' is not supported; supported: "
                  + LoraConfig.KNOWN_MODULES);
        }
        out.add(name);
      }
      return out;
    }
    String s = t.getAsString();
    if (s.equals("all-linear")) {
      for (Proj p : Proj.values()) {
        out.add(p.shortName());
      }
      return out;
    }
    Pattern regex = Pattern.compile(s);
    for (Proj p : Proj.values()) {
      int hits = 0;
      for (int l = 0; l < model.numLayers(); l++) {
        if (regex.matcher(p.moduleKey(l)).matches()) {
          hits++;
        }
      }
      if (hits == model.numLayers()) {
        out.add(p.shortName());
      } else if (hits > 0) {
        throw new CheckpointException(
            file
                + ": target_modules regex '"
                + s
                + "' adapts "
                + p.shortName()
                + " in some layers only; adapting a subset of layers is not supported");
      }
    }
    if (out.isEmpty()) {
      throw new CheckpointException(
          file + ": target_modules regex '" + s + "' matches no linear layer");
    }
    return out;
  }

  private static void refuse(JsonObject o, Path file, String key, String what) {
    if (o.has(key) && !o.get(key).isJsonNull() && o.get(key).getAsBoolean()) {
      throw new CheckpointException(
          file + ": " + what + " is not supported; set " + key + " to false");
    }
  }

  private static String str(JsonObject o, String key, String def) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : def;
  }

  /**
   * Writes an adapter in PEFT's layout. {@code baseModel} is recorded as {@code
   * base_model_name_or_path}; {@code provenance} entries go into the safetensors metadata (seed,
   * code version, ...).
   */
  public static void write(
      Path dir, LoraAdapter adapter, String baseModel, Map<String, String> provenance) {
    LoraConfig c = adapter.config();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("peft_type", "LORA");
    cfg.put("task_type", c.headModule() != null ? "SEQ_CLS" : "CAUSAL_LM");
    cfg.put("base_model_name_or_path", baseModel);
    cfg.put("r", c.rank());
    cfg.put("lora_alpha", c.alpha());
    cfg.put("lora_dropout", c.dropout());
    cfg.put("target_modules", c.targetModules());
    cfg.put("bias", "none");
    cfg.put("use_rslora", c.rslora());
    cfg.put("use_dora", false);
    cfg.put("fan_in_fan_out", false);
    cfg.put("init_lora_weights", true);
    cfg.put("inference_mode", true);
    cfg.put(
        "modules_to_save", c.headModule() != null ? List.of("classifier", c.headModule()) : null);
    SafeTensorsWriter w = new SafeTensorsWriter();
    provenance.forEach(w::metadata);
    for (Map.Entry<String, FloatTensor> e : adapter.state().entrySet()) {
      w.add(HfNames.toAdapterFile(e.getKey(), c.headModule()), e.getValue());
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    w.write(dir.resolve(WEIGHTS));
    AtomicFiles.writeString(
        dir.resolve(CONFIG),
        new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(cfg));
  }
}
