package org.ugda.core.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.AdapterStack;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.train.Adam;
import org.ugda.core.train.TrainConfig;
import org.ugda.core.train.TrainingLoop;

class RewardCoreTest {

  static final List<long[]> SEQS =
      List.of(
          new long[] {1, 20, 30, 40, 50, 2},
          new long[] {1, 7, 8},
          new long[] {1, 9, 9, 9, 9, 9, 9});

  @Test
  void shouldScoreAStackOfMembersExactlyAsEachMemberAlone() {
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu())) {
      LoraConfig c =
          new LoraConfig(4, 16, List.of("q_proj", "v_proj", "down_proj"), 0, false, "score");
      List<String> names = List.of("m0", "m1", "m2");
      for (int i = 0; i < 3; i++) {
        var ad = m.addAdapter(names.get(i), c, 10 + i);
        for (var p : ad.parameters()) {
          if (p.name().contains("lora_B")) {
            p.array().addi(0.02f * (i + 1));
          }
        }
      }
      TokenBatch b = TokenBatch.rightPadded(SEQS, 0);
      try (AdapterStack stack = AdapterStack.of(m, names);
          NDManager s = m.newScope()) {
        float[] stacked =
            m.forward(s, b, ForwardOptions.stackedScores(stack)).scores().toFloatArray();
        assertEquals(9, stacked.length);
        for (int i = 0; i < 3; i++) {
          float[] alone =
              m.forward(s, b, ForwardOptions.scores(names.get(i))).scores().toFloatArray();
          for (int r = 0; r < 3; r++) {
            assertEquals(
                alone[r],
                stacked[i * 3 + r],
                1e-5 + 1e-4 * Math.abs(alone[r]),
                "member " + i + " row " + r);
          }
        }
      }
      var other =
          m.addAdapter("odd", new LoraConfig(8, 16, List.of("q_proj"), 0, false, "score"), 1);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> AdapterStack.of(m, List.of("m0", other.name())));
      assertTrue(e.getMessage().contains("cannot be stacked"));
    }
  }

  @Test
  void shouldMapLabelsOntoEachMembersOwnPercentiles() {
    float[] log = {5, 1, 4, 2, 3}; // sorted 1..5; percentile q at rank 4q/100
    assertEquals(1.8, QuantileTargets.percentile(log, 20), 1e-9);
    assertEquals(5.0, QuantileTargets.percentile(log, 100), 1e-9);
    assertEquals(3.4, QuantileTargets.percentile(log, 60), 1e-9);
    float[][] members = {log, {10, 20, 30, 40, 50}};
    float[][] t = QuantileTargets.targets(members, new int[] {1, 5, 3}, 0.0, 1);
    assertArrayEquals(new float[] {1.8f, 5f, 3.4f}, t[0], 1e-6f);
    assertArrayEquals(new float[] {18f, 50f, 34f}, t[1], 1e-5f);
    float[][] noisy = QuantileTargets.targets(members, new int[] {1, 5, 3}, 0.1, 1);
    assertArrayEquals(
        noisy[0], QuantileTargets.targets(members, new int[] {1, 5, 3}, 0.1, 1)[0], "seeded");
    double sd = 0;
    int n = 4000;
    int[] many = new int[n];
    Arrays.fill(many, 3);
    float[] big = QuantileTargets.targets(members, many, 0.1, 2)[0];
    for (float v : big) {
      sd += (v - 3.4) * (v - 3.4);
    }
    assertEquals(0.1, Math.sqrt(sd / n), 0.01, "noise has the requested spread");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantileTargets.targets(members, new int[] {0}, 0.1, 1));
    assertTrue(e.getMessage().contains("labels must be 1..5"));
  }

  @Test
  void shouldDivideTheVarianceByK() {
    EnsembleStats.MeanVariance mv = EnsembleStats.of(new float[] {1, 2, 3});
    assertEquals(2.0, mv.mean(), 1e-12);
    assertEquals(2.0 / 3, mv.variance(), 1e-12);
    assertThrows(ArithmeticException.class, () -> EnsembleStats.of(new float[] {1, Float.NaN}));
  }

  static ModelConfig tiny() {
    return ModelConfig.llama(40, 32, 64, 2, 4, 2, 64);
  }

  /** Preference: sequences containing token 5 beat those containing token 6. */
  static List<RewardTrainer.Pair> pairs(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<RewardTrainer.Pair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] a = {1, 10 + r.nextInt(20), 10 + r.nextInt(20), 5, 2};
      long[] b = a.clone();
      b[3] = 6;
      out.add(new RewardTrainer.Pair(a, b));
    }
    return out;
  }

  @Test
  void shouldLearnPreferencesWithBradleyTerryAndRegressWithMse() {
    try (Transformer m = Transformer.initialise(tiny(), 3, Device.cpu())) {
      m.addAdapter("r", new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, "score"), 4);
      var before = m.adapter("r").state();
      TrainConfig c = new TrainConfig(3, 16, 1, 3e-2, 3e-3, 0.1, 0, 1.0, Adam.Hyper.paper(), 5);
      double[] lastAcc = new double[1];
      TrainingLoop.Result r =
          RewardTrainer.preferences(
              m, "r", pairs(128, 1), c, 0.0, (s, t, l, acc) -> lastAcc[0] = acc[0], null);
      assertTrue(r.finalLoss() < r.firstLoss(), r.firstLoss() + " -> " + r.finalLoss());
      List<RewardTrainer.Pair> test = pairs(64, 99);
      int right = 0;
      List<long[]> all = new ArrayList<>();
      test.forEach(
          p -> {
            all.add(p.chosen());
            all.add(p.rejected());
          });
      float[][] s = RewardTrainer.score(m, "r", all, 32);
      for (int i = 0; i < test.size(); i++) {
        right += s[2 * i][0] > s[2 * i + 1][0] ? 1 : 0;
      }
      assertTrue(right / 64.0 > 0.9, "held-out accuracy " + right / 64.0);
      var after = m.adapter("r").state();
      before.forEach(
          (k, v) -> assertTrue(!Arrays.equals(v.data(), after.get(k).data()), k + " moved"));

      List<RewardTrainer.Target> targets = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        targets.add(new RewardTrainer.Target(all.get(i), new float[] {i % 2 == 0 ? 2f : -2f}));
      }
      TrainingLoop.Result mse = RewardTrainer.regress(m, "r", targets, c, null, null);
      assertTrue(
          mse.finalLoss() < mse.firstLoss() * 0.5, mse.firstLoss() + " -> " + mse.finalLoss());
    }
  }

  @Test
  void shouldTrainEveryHeadOfASharedTrunkInOnePass() {
    try (Transformer m = Transformer.initialise(tiny(), 3, Device.cpu())) {
      m.addAdapter(
          "heads", new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, "score", 3), 4);
      TrainConfig c = new TrainConfig(3, 16, 1, 3e-2, 3e-3, 0.1, 0, 1.0, Adam.Hyper.paper(), 5);
      double[][] acc = new double[1][];
      RewardTrainer.preferences(
          m, "heads", pairs(128, 1), c, 0.0, (s, t, l, a) -> acc[0] = a, null);
      assertEquals(3, acc[0].length);
      for (double a : acc[0]) {
        assertTrue(a > 0.7, "every head learned: " + Arrays.toString(acc[0]));
      }
      float[][] s = RewardTrainer.score(m, "heads", List.of(new long[] {1, 12, 13, 5, 2}), 1);
      assertEquals(3, s[0].length);
      assertTrue(s[0][0] != s[0][1], "heads differ by their initialisation");
    }
  }
}
