package org.ugda.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.core.Fixtures;
import org.ugda.core.cli.VerifyCheckpointCommand;
import org.ugda.core.format.Checkpoints;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.format.TensorSource;
import org.ugda.core.tensor.FloatTensor;

/**
 * {@code ugda verify-checkpoint} on a Qwen2 directory. No Qwen2 fixture ships, so one is derived
 * from the Llama fixture by an exact identity: Qwen2 with zero q/k/v biases is Llama with the same
 * weights, so transformers' Llama outputs are the Qwen2 model's outputs too. The command must pass
 * every comparison through the Qwen2 code path, and write a dump.
 */
class Qwen2VerifyCheckpointTest {

  @TempDir Path dir;

  @Test
  void shouldVerifyAQwen2CheckpointAndDumpWhatItComputed() throws Exception {
    Path llama = Fixtures.arch("llama");
    copyTree(llama, dir);
    for (String model : List.of("causal-lm", "reward-model")) {
      Path m = dir.resolve(model);
      String cfg =
          Files.readString(m.resolve("config.json"))
              .replace("\"Llama", "\"Qwen2")
              .replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\"");
      Files.writeString(m.resolve("config.json"), cfg);
      Map<String, FloatTensor> t = new LinkedHashMap<>();
      try (TensorSource s = Checkpoints.open(m)) {
        for (String n : s.names()) {
          t.put(n, new FloatTensor(s.info(n).shape(), s.readFloats(n)));
        }
      }
      Fixtures.putQkvBias(t, 2, 0f);
      SafeTensorsWriter w = new SafeTensorsWriter();
      t.forEach(w::add);
      w.write(m.resolve("model.safetensors"));
    }
    assertTrue(Files.readString(dir.resolve("causal-lm/config.json")).contains("Qwen2ForCausalLM"));

    Path dump = dir.resolve("dump.safetensors");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int rc;
    try {
      System.setOut(new PrintStream(out, true));
      rc = VerifyCheckpointCommand.run(new String[] {dir.toString(), "--dump", dump.toString()});
    } finally {
      System.setOut(old);
    }
    String text = out.toString();
    assertEquals(0, rc, text);
    // 72 checks before the fixture gained its PPO tensors, more since: all of them must pass
    var summary = java.util.regex.Pattern.compile("(\\d+) passed, 0 failed").matcher(text);
    assertTrue(summary.find() && Integer.parseInt(summary.group(1)) >= 72, text);
    try (SafeTensorsFile d = SafeTensorsFile.open(dump)) {
      assertTrue(
          d.contains("logits")
              && d.contains("reward_lora_rewards")
              && d.contains(
                  "grad0.base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight"));
    }
  }

  @Test
  void shouldExitNonZeroWhenATensorDisagrees() throws Exception {
    copyTree(Fixtures.arch("gemma"), dir);
    // perturb one weight of the causal LM: its logits no longer match the reference
    Path m = dir.resolve("causal-lm");
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    try (TensorSource s = Checkpoints.open(m)) {
      for (String n : s.names()) {
        float[] d = s.readFloats(n);
        if (n.equals("model.norm.weight")) {
          d[0] += 0.5f;
        }
        t.put(n, new FloatTensor(s.info(n).shape(), d));
      }
    }
    SafeTensorsWriter w = new SafeTensorsWriter();
    t.forEach(w::add);
    w.write(m.resolve("model.safetensors"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int rc;
    try {
      System.setOut(new PrintStream(out, true));
      rc = VerifyCheckpointCommand.run(new String[] {dir.toString()});
    } finally {
      System.setOut(old);
    }
    assertEquals(1, rc);
    assertTrue(out.toString().matches("(?s).*logits\\s+\\S+\\s+\\S+\\s+FAIL.*"), out.toString());
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
