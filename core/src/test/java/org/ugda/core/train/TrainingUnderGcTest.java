package org.ugda.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.FloatTensor;

/**
 * Training must not depend on when the garbage collector runs. Before core stopped handing DJL Java
 * numbers (see {@link org.ugda.core.tensor.Scalars}), a GC between a forward pass and its backward
 * freed scalars that autograd had saved: with a thread calling System.gc() in a loop, every
 * TrainingStress run ended non-finite or with other weights.
 */
class TrainingUnderGcTest {

  private record Outcome(double[] losses, float[] weights) {}

  private static Outcome train(boolean gcPressure) throws InterruptedException {
    Thread gc =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "gc-pressure");
    gc.setDaemon(true);
    LoraConfig lc = new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, null);
    TrainConfig c = new TrainConfig(12, 4, 2, 1e-2, 1e-3, 0.1, 0, 1.0, Adam.Hyper.paper(), 3);
    try (Transformer m = Transformer.initialise(OptimizerTest.tiny(), 1, Device.cpu())) {
      m.addAdapter("a", lc, 2);
      if (gcPressure) {
        gc.start();
      }
      TrainingLoop.Result r;
      try {
        r = SupervisedTrainer.train(m, "a", TrainingStress.data(), c, null);
      } finally {
        gc.interrupt();
        gc.join();
      }
      List<Float> w = new ArrayList<>();
      for (FloatTensor t : m.adapter("a").state().values()) {
        for (float x : t.data()) {
          w.add(x);
        }
      }
      float[] weights = new float[w.size()];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = w.get(i);
      }
      return new Outcome(r.losses().stream().mapToDouble(Double::doubleValue).toArray(), weights);
    }
  }

  @Test
  void shouldTrainBitForBitTheSameWhileTheGarbageCollectorRuns() throws Exception {
    Outcome quiet = train(false);
    Outcome busy = train(true);
    assertEquals(24, quiet.losses().length);
    assertArrayEquals(quiet.losses(), busy.losses(), "losses of every step, bit for bit");
    assertArrayEquals(quiet.weights(), busy.weights(), "final adapter weights, bit for bit");
  }
}
