package org.ugda.core.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.core.Fixtures;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;

class PeftAdaptersTest {

  @TempDir Path dir;

  @Test
  void shouldWriteWhatItReadsSoPeftLoadsItBack() throws Exception {
    Path src = Fixtures.arch("llama").resolve("reward-lora-adapter");
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("reward-model"), Device.cpu())) {
      var read = PeftAdapters.read(src, m.config());
      assertEquals("SEQ_CLS", read.taskType());
      assertEquals("score", read.config().headModule());
      LoraAdapter a = m.addAdapter("a", read.config(), read.tensors(), src.toString());
      PeftAdapters.write(dir, a, "reward-model", Map.of("seed", "3"));
      String cfg = Files.readString(dir.resolve(PeftAdapters.CONFIG));
      assertTrue(
          cfg.contains("\"modules_to_save\"")
              && cfg.contains("\"score\"")
              && cfg.contains("\"SEQ_CLS\""),
          cfg);
      var again = PeftAdapters.read(dir, m.config());
      assertEquals(read.config(), again.config());
      assertEquals(read.tensors().keySet(), again.tensors().keySet());
      read.tensors()
          .forEach((k, v) -> assertArrayEquals(v.data(), again.tensors().get(k).data(), k));
      // the file keys are PEFT's on-disk keys, the same set as the fixture written by peft
      try (var ours = SafeTensorsFile.open(dir.resolve(PeftAdapters.WEIGHTS));
          var theirs = SafeTensorsFile.open(src.resolve(PeftAdapters.WEIGHTS))) {
        assertEquals(theirs.names(), ours.names());
      }
      LoraAdapter b = m.addAdapter("b", again.config(), again.tensors(), dir.toString());
      TokenBatch batch = TokenBatch.rightPadded(List.of(new long[] {1, 7, 8, 9}), 0);
      try (NDManager s = m.newScope()) {
        assertArrayEquals(
            m.forward(s, batch, ForwardOptions.scores("a")).scores().toFloatArray(),
            m.forward(s, batch, ForwardOptions.scores(b.name())).scores().toFloatArray());
      }
    }
  }

  @Test
  void shouldRefuseAdaptersItCannotApplyFaithfully() throws Exception {
    Path src = Fixtures.arch("llama").resolve("lora-adapter");
    Files.copy(src.resolve(PeftAdapters.WEIGHTS), dir.resolve(PeftAdapters.WEIGHTS));
    String cfg = Files.readString(src.resolve(PeftAdapters.CONFIG));
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu())) {
      Files.writeString(
          dir.resolve(PeftAdapters.CONFIG),
          cfg.replace("\"use_dora\": false", "\"use_dora\": true"));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> PeftAdapters.read(dir, m.config()));
      assertTrue(e.getMessage().contains("DoRA"), e.getMessage());
      Files.writeString(dir.resolve(PeftAdapters.CONFIG), cfg.replace("\"r\": 8", "\"r\": 4"));
      var wrongRank = PeftAdapters.read(dir, m.config());
      IllegalArgumentException e2 =
          assertThrows(
              IllegalArgumentException.class,
              () -> m.addAdapter("x", wrongRank.config(), wrongRank.tensors(), "adapter dir"));
      assertTrue(
          e2.getMessage().contains("lora_A")
              && e2.getMessage().contains("[8, 64]")
              && e2.getMessage().contains("[4, 64]"),
          e2.getMessage());
      assertTrue(m.adapterNames().isEmpty(), "a failed load registers nothing");
      Files.writeString(dir.resolve(PeftAdapters.CONFIG), "{\"r\": 8,");
      e = assertThrows(CheckpointException.class, () -> PeftAdapters.read(dir, m.config()));
      assertTrue(
          e.getMessage().contains(PeftAdapters.CONFIG) && e.getMessage().contains("malformed JSON"),
          e.getMessage());
    }
  }

  @Test
  void shouldShareBaseWeightsBetweenAdapters() {
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu())) {
      LoraConfig c = LoraConfig.paperDefault("score");
      long base = m.baseParameters().stream().mapToLong(p -> p.array().size()).sum();
      for (int i = 0; i < 3; i++) {
        m.addAdapter("m" + i, c, i);
      }
      long adapters = 0;
      for (String n : m.adapterNames()) {
        adapters += m.adapter(n).parameterCount();
      }
      long after = m.baseParameters().stream().mapToLong(p -> p.array().size()).sum();
      assertEquals(base, after, "adding adapters copies no base weight");
      assertEquals(3 * (2 * (8 * 64 + 64 * 8 + 8 * 64 + 32 * 8) + 64), adapters);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.addAdapter("m0", c, 1));
      assertTrue(e.getMessage().contains("already loaded"));
    }
  }
}
