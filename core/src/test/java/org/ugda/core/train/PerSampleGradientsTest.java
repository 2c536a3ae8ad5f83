package org.ugda.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.HfNames;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;

/** The closed form must equal one backward pass per sample, for LoRA matrices and for a head. */
class PerSampleGradientsTest {

  static final List<long[]> SEQS =
      List.of(
          new long[] {1, 20, 30, 40, 50, 60, 70, 80},
          new long[] {1, 21, 31, 41, 2},
          new long[] {1, 5, 6, 7, 8, 9});

  static void assertClose(float[][] a, float[][] b) {
    assertEquals(a.length, b.length);
    for (int r = 0; r < a.length; r++) {
      assertEquals(a[r].length, b[r].length);
      double norm = 0;
      for (int i = 0; i < a[r].length; i++) {
        assertEquals(b[r][i], a[r][i], 1e-5 + 1e-3 * Math.abs(b[r][i]), "row " + r + " index " + i);
        norm += (double) a[r][i] * a[r][i];
      }
      assertTrue(norm > 0, "row " + r + " has a non-zero gradient");
    }
  }

  @Test
  void shouldMatchTheOneSamplePerBackwardReferenceForLmLoss() {
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu())) {
      var ad = PeftAdapters.read(Fixtures.arch("llama").resolve("lora-adapter"), m.config());
      m.addAdapter("p", ad.config(), ad.tensors(), "fixture");
      // all modules adapted, dropout off: a wider check than the fixture's q/v
      m.addAdapter(
          "all",
          new LoraConfig(
              4,
              16,
              List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
              0,
              false,
              null),
          9);
      TokenBatch batch = TokenBatch.rightPadded(SEQS, 0);
      int[] prompt = {3, 2, 4};
      for (String name : List.of("p", "all")) {
        if (name.equals("all")) {
          // B starts at zero; give it values so that dA is not trivially zero
          for (var p : m.adapter("all").parameters()) {
            if (p.name().contains("lora_B")) {
              p.array().addi(0.01f);
            }
          }
        }
        var loss = PerSampleGradients.responseLm(prompt);
        float[][] closed =
            PerSampleGradients.closedForm(m, name, batch, ForwardOptions.logits(name), loss);
        float[][] loop = PerSampleGradients.loop(m, name, batch, ForwardOptions.logits(name), loss);
        assertClose(closed, loop);
        assertEquals(m.adapter(name).parameterCount(), closed[0].length);
      }
    }
  }

  @Test
  void shouldMatchTheReferenceForARewardHead() {
    try (Transformer m =
        Transformer.load(Fixtures.arch("gemma").resolve("reward-model"), Device.cpu())) {
      var ad = PeftAdapters.read(Fixtures.arch("gemma").resolve("reward-lora-adapter"), m.config());
      m.addAdapter("member", ad.config(), ad.tensors(), "fixture");
      TokenBatch batch = TokenBatch.rightPadded(SEQS, 0);
      float[] target = {0.5f, -1f, 2f};
      PerSampleGradients.SampleLoss mse =
          (scope, out, b, src) -> {
            float[] t = new float[src.length];
            for (int i = 0; i < src.length; i++) {
              t[i] = target[src[i]];
            }
            NDArray r = out.scores().reshape(b.rows());
            return r.sub(scope.create(t, new Shape(b.rows()))).square();
          };
      float[][] closed =
          PerSampleGradients.closedForm(m, "member", batch, ForwardOptions.scores("member"), mse);
      float[][] loop =
          PerSampleGradients.loop(m, "member", batch, ForwardOptions.scores("member"), mse);
      assertClose(closed, loop);
      LoraAdapter member = m.adapter("member");
      assertEquals(
          member.parameterNames().get(member.parameterNames().size() - 1),
          HfNames.peftHead("score"),
          "the head comes last in the flattened order");
    }
  }
}
