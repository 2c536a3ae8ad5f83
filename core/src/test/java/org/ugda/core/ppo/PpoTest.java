package org.ugda.core.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.Transformer;
import org.ugda.core.train.Adam;

/** PPO's formulas on hand-computed cases, and the first update's ratio on the fixture model. */
class PpoTest {

  private static PpoBatch twoRows() {
    // row 0: prompt 2, response 3; row 1: prompt 1, response 1
    return new PpoBatch(
        List.of(new long[] {5, 6, 7, 8, 9}, new long[] {5, 6}), new int[] {2, 1}, new int[] {3, 1});
  }

  @Test
  void gaeRunsBackwardsOverEachRowAndStopsAtItsEnd() {
    PpoBatch b = twoRows();
    // width 3; row 1 has one real entry
    float[] r = {1, 0, 2, 3, 0, 0};
    float[] v = {0.5f, 0.25f, 1, 2, 0, 0};
    float[][] g = PpoMath.gae(r, v, b, 1.0, 0.5);
    // row 0, j=2: delta = 2 - 1 = 1, A = 1
    // j=1: delta = 0 + 1 - 0.25 = 0.75, A = 0.75 + 0.5 * 1 = 1.25
    // j=0: delta = 1 + 0.25 - 0.5 = 0.75, A = 0.75 + 0.5 * 1.25 = 1.375
    // row 1, j=0: delta = 3 - 2 = 1, A = 1; masked entries stay 0
    assertArrayEquals(new float[] {1.375f, 1.25f, 1, 1, 0, 0}, g[0], 1e-6f);
    assertArrayEquals(new float[] {1.875f, 1.5f, 2, 3, 0, 0}, g[1], 1e-6f);
  }

  @Test
  void rewardsPutTheScoreAtTheLastResponseToken() {
    PpoBatch b = twoRows();
    float[] kl = {1, 2, 3, 4, 0, 0};
    float[] r = PpoMath.rewards(kl, 0.1, new double[] {10, 20}, b);
    assertArrayEquals(new float[] {-0.1f, -0.2f, 10 - 0.3f, 20 - 0.4f, 0, 0}, r, 1e-6f);
  }

  @Test
  void whiteningUsesTheUnbiasedVarianceOverResponseTokensOnly() {
    float[] x = {1, 2, 3, 100};
    float[] m = {1, 1, 1, 0};
    float[] w = PpoMath.whiten(x, m);
    // mean 2, unbiased variance 1
    double s = 1 / Math.sqrt(1 + 1e-8);
    assertArrayEquals(new float[] {(float) -s, 0, (float) s, 0}, w, 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> PpoMath.whiten(x, new float[] {1, 0, 0, 0}));
  }

  @Test
  void k3IsNeverNegativeAndK1IsTheLogRatio() {
    assertEquals(-0.5 - -1.0, KlEstimator.K1.of(-0.5, -1.0), 1e-12);
    for (double d = -3; d <= 3; d += 0.25) {
      assertTrue(KlEstimator.K3.of(0, d) >= 0);
    }
    assertEquals(0, KlEstimator.K3.of(-1.2, -1.2), 0);
  }

  @Test
  void aFixedCoefficientNeverMovesAndAnAdaptiveOneIsClipped() {
    AdaptiveKlController f = AdaptiveKlController.fixed(0.1);
    assertEquals(0.1, f.update(1000, 64), 0);
    AdaptiveKlController a = AdaptiveKlController.adaptive(0.2, 6, 10000);
    // kl far above target: the error is clipped at 0.2
    assertEquals(0.2 * (1 + 0.2 * 100 / 10000.0), a.update(600, 100), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> AdaptiveKlController.adaptive(0.2, 0, 1));
  }

  @Test
  void badBatchesAreRefusedWithWhatToFix() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PpoBatch(List.of(new long[] {1, 2}), new int[] {1}, new int[] {2}));
    assertTrue(e.getMessage().contains("the sequence has 2"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PpoBatch(List.of(new long[] {1}), new int[] {1}, new int[] {0}));
  }

  @Test
  void theFirstMinibatchOfTheFirstEpochHasRatioExactlyOne() {
    Path llama = Fixtures.arch("llama");
    try (Transformer model = Transformer.load(llama.resolve("causal-lm"), Device.cpu())) {
      PeftAdapters.Loaded l = PeftAdapters.read(llama.resolve("lora-adapter"), model.config());
      model.addAdapter("policy", l.config(), l.tensors(), "fixture");
      PpoBatch batch =
          PpoBatch.of(
              List.of(new long[] {1, 17, 23, 40}, new long[] {1, 9, 12}, new long[] {1, 5}),
              List.of(new long[] {33, 2}, new long[] {44, 45, 46}, new long[] {7}));
      try (ValueHead head = ValueHead.initialise(model, 3);
          PpoTrainer t =
              new PpoTrainer(
                  model,
                  "policy",
                  head,
                  PpoConfig.classic(2, 11),
                  AdaptiveKlController.fixed(0.1),
                  Adam.Hyper.paper())) {
        RolloutTensors ro = t.rollout(batch, new double[] {0.5, -1, 2});
        PpoTrainer.Update first = t.update(ro, new int[] {2, 0}, 1e-2);
        float[] mask = select(ro, new int[] {2, 0}, first.ratio().length / 2);
        for (int i = 0; i < mask.length; i++) {
          assertEquals(mask[i] == 0 ? 0f : 1f, first.ratio()[i], 0f, "entry " + i);
        }
        assertEquals(0, first.pgClipfrac(), 0);
        assertEquals(0, first.approxKl(), 0);
        // the weights moved: the next update's ratio is no longer 1
        PpoTrainer.Update second = t.update(ro, new int[] {2, 0}, 1e-2);
        boolean moved = false;
        for (int i = 0; i < mask.length; i++) {
          moved |= mask[i] != 0 && second.ratio()[i] != 1f;
        }
        assertTrue(moved, "an Adam step must change the policy");
        PpoTrainer.StepStats s = t.step(ro, step -> 1e-3, () -> false);
        assertEquals(4 * 2, s.updates(), "4 epochs of 2 minibatches (2 + 1 rows)");
        assertEquals(2 + 8, t.adam().stepCount());
      }
    }
  }

  private static float[] select(RolloutTensors ro, int[] rows, int w) {
    float[] out = new float[rows.length * w];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(ro.mask(), rows[i] * ro.width(), out, i * w, w);
    }
    return out;
  }
}
