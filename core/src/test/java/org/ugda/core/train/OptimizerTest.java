package org.ugda.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.FloatTensor;

class OptimizerTest {

  static ModelConfig tiny() {
    return ModelConfig.llama(64, 32, 64, 2, 4, 2, 128);
  }

  static final List<long[]> DATA =
      List.of(new long[] {1, 10, 11, 12, 13, 2}, new long[] {1, 20, 21, 22, 2});

  static float step(Transformer m, String adapter, Adam adam, double lr) {
    TokenBatch b = TokenBatch.rightPadded(DATA, 0);
    long[] labels = Losses.responseLabels(b, new int[] {2, 2});
    float loss;
    Gradients.zero(adam.parameters());
    try (NDManager s = m.newScope();
        Autograd.Tape tape = Autograd.record()) {
      NDArray l =
          Losses.lmLoss(
              s,
              m.forward(s, b, ForwardOptions.logits(adapter).withTraining(true)).logits(),
              b,
              labels);
      loss = l.getFloat();
      tape.backward(l);
    }
    Gradients.clip(adam.parameters(), 1.0);
    adam.step(lr);
    return loss;
  }

  @Test
  void shouldLowerTheLossAndMoveTheAdapter() {
    try (Transformer m = Transformer.initialise(tiny(), 1, Device.cpu())) {
      var ad =
          m.addAdapter("a", new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, null), 2);
      ad.setTrainable(true);
      var before = ad.state();
      try (Adam adam = new Adam(ad.parameters(), Adam.Hyper.paper())) {
        float first = step(m, "a", adam, 3e-2);
        float last = first;
        for (int i = 0; i < 40; i++) {
          last = step(m, "a", adam, 3e-2);
        }
        assertTrue(last < first * 0.9, "loss fell from " + first + " to " + last);
        assertEquals(41, adam.stepCount());
      }
      var after = ad.state();
      before.forEach(
          (k, v) -> assertTrue(!Arrays.equals(v.data(), after.get(k).data()), k + " moved"));
    }
  }

  @Test
  void shouldContinueIdenticallyFromASavedState() {
    ModelConfig c = tiny();
    LoraConfig lc = new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, null);
    try (Transformer m = Transformer.initialise(c, 1, Device.cpu())) {
      var a = m.addAdapter("a", lc, 2);
      a.setTrainable(true);
      Adam.State saved;
      Map<String, FloatTensor> weights;
      try (Adam adam = new Adam(a.parameters(), Adam.Hyper.paper())) {
        for (int i = 0; i < 3; i++) {
          step(m, "a", adam, 1e-2);
        }
        saved = adam.state();
        weights = a.state();
        for (int i = 0; i < 3; i++) {
          step(m, "a", adam, 1e-2);
        }
      }
      var b = m.addAdapter("b", lc, weights, "saved");
      b.setTrainable(true);
      try (Adam adam = new Adam(b.parameters(), Adam.Hyper.paper())) {
        adam.restore(saved);
        assertEquals(3, adam.stepCount());
        for (int i = 0; i < 3; i++) {
          step(m, "b", adam, 1e-2);
        }
      }
      var sa = a.state();
      var sb = b.state();
      for (NamedArray p : a.parameters()) {
        assertArrayEquals(sa.get(p.name()).data(), sb.get(p.name()).data(), 1e-6f, p.name());
      }
    }
  }

  @Test
  void shouldFollowWarmupThenCosineToTheFloor() {
    CosineSchedule s = new CosineSchedule(1e-3, 1e-4, 10, 110);
    assertEquals(1e-4, s.at(0), 1e-12);
    assertEquals(1e-3, s.at(9), 1e-12);
    assertEquals(1e-3, s.at(10), 1e-12);
    assertEquals(1e-4, s.at(109), 1e-12);
    assertEquals(0.5 * (1e-3 + 1e-4), s.at(10 + 99 / 2), 1e-5);
    for (int i = 11; i < 110; i++) {
      assertTrue(s.at(i) <= s.at(i - 1));
    }
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1e-3, 1e-2, 0, 10));
  }

  @Test
  void shouldClipTheGlobalNormLikeTorch() {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray a = m.create(new float[] {1, 2}, new Shape(2));
      NDArray b = m.create(new float[] {3}, new Shape(1));
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      List<NamedArray> ps = List.of(new NamedArray("a", a), new NamedArray("b", b));
      try (Autograd.Tape t = Autograd.record()) {
        t.backward(a.square().sum().add(b.square().sum()).mul(0.5f)); // grads = (1,2), (3)
      }
      double norm = Gradients.clip(ps, 1.0);
      assertEquals(Math.sqrt(14), norm, 1e-5);
      assertEquals(1.0, Gradients.globalNorm(ps), 1e-5);
      Gradients.zero(ps);
      assertEquals(0.0, Gradients.globalNorm(ps));
    }
  }

  @Test
  void shouldZeroGradientsWithoutLeavingArraysBehindAndClearNonFiniteValues() {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = m.create(new float[] {0, 1}, new Shape(2));
      w.setRequiresGradient(true);
      List<NamedArray> ps = List.of(new NamedArray("w", w));
      try (NDManager s = m.newSubManager();
          Autograd.Tape t = Autograd.record()) {
        NDArray x = w.sqrt();
        x.attach(s);
        t.backward(x.sum()); // finite loss (1), infinite gradient at w = 0
      }
      assertTrue(!Float.isFinite(Gradients.of(ps.get(0))[0]));
      int before = ((BaseNDManager) m).getManagedArrays().size();
      for (int i = 0; i < 100; i++) {
        Gradients.zero(ps);
      }
      assertEquals(
          before, ((BaseNDManager) m).getManagedArrays().size(), "zeroing leaves nothing behind");
      assertArrayEquals(
          new float[] {0, 0},
          Gradients.of(ps.get(0)),
          "zeroing clears non-finite values too (multiplying by 0 would not)");
    }
  }

  @Test
  void shouldStopAtANonFiniteGradientWithoutApplyingIt() {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = m.create(new float[] {0, 1}, new Shape(2));
      w.setRequiresGradient(true);
      List<NamedArray> ps = List.of(new NamedArray("w", w));
      TrainConfig c = new TrainConfig(1, 1, 1, 1e-2, 1e-3, 0, 0, 1.0, Adam.Hyper.paper(), 1);
      NonFiniteException e =
          assertThrows(
              NonFiniteException.class,
              () ->
                  TrainingLoop.run(
                      ps,
                      1,
                      c,
                      idx -> {
                        try (NDManager s = m.newSubManager();
                            Autograd.Tape t = Autograd.record()) {
                          NDArray x = w.sqrt();
                          x.attach(s);
                          NDArray loss = x.sum();
                          t.backward(loss); // finite loss (1), infinite gradient at w = 0
                          return loss.getFloat();
                        }
                      },
                      null,
                      null));
      assertTrue(
          e.getMessage().contains("step 1") && e.getMessage().contains("[w]"), e::getMessage);
      assertArrayEquals(new float[] {0, 1}, w.toFloatArray(), "nothing applied");
    }
  }

  @Test
  void shouldRefuseANonFiniteLoss() {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu());
        Autograd.Tape t = Autograd.record()) {
      NDArray x = m.create(new float[] {Float.NaN});
      x.setRequiresGradient(true);
      assertThrows(NonFiniteException.class, () -> t.backward(x.sum()));
    }
  }

  /**
   * Two trainers in one JVM: core serialises their backward passes, neither trips DJL's
   * one-collector rule.
   */
  @Test
  void shouldLetConcurrentTrainersShareTheJvm() throws Exception {
    LoraConfig lc = new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, null);
    try (Transformer m = Transformer.initialise(tiny(), 1, Device.cpu())) {
      List<String> names = List.of("x", "y", "z");
      for (String n : names) {
        m.addAdapter(n, lc, 5).setTrainable(true);
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<float[]>> runs = new ArrayList<>();
        for (String n : names) {
          runs.add(
              pool.submit(
                  () -> {
                    try (Adam adam = new Adam(m.adapter(n).parameters(), Adam.Hyper.paper())) {
                      float[] losses = new float[10];
                      for (int i = 0; i < 10; i++) {
                        losses[i] = step(m, n, adam, 1e-2);
                      }
                      return losses;
                    }
                  }));
        }
        float[] first = runs.get(0).get();
        for (Future<float[]> f : runs) {
          assertArrayEquals(
              first, f.get(), 1e-6f, "same seed, same data: same trajectory in every thread");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
