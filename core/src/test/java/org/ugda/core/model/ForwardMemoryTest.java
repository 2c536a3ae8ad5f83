package org.ugda.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.train.Autograd;

/**
 * An inference pass frees each layer's intermediate arrays as soon as the layer is done, so its
 * scope ends up holding only what the pass returns; a pass on the tape keeps them for backward.
 * Both give the same numbers.
 */
class ForwardMemoryTest {

  static final TokenBatch BATCH =
      TokenBatch.rightPadded(List.of(new long[] {1, 5, 9, 33, 7, 12, 40}, new long[] {1, 4, 2}), 0);

  @Test
  void shouldKeepNoLayerIntermediatesInAnInferencePassAndTheSameLogits() {
    try (Transformer m =
        Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu())) {
      float[] inference;
      int inferenceArrays;
      try (NDManager scope = m.newScope()) {
        inference = m.forward(scope, BATCH, ForwardOptions.logits(null)).logits().toFloatArray();
        inferenceArrays = scope.getManagedArrays().size();
      }
      float[] recorded;
      int recordedArrays;
      try (Autograd.Tape tape = Autograd.record();
          NDManager scope = m.newScope()) {
        recorded = m.forward(scope, BATCH, ForwardOptions.logits(null)).logits().toFloatArray();
        recordedArrays = scope.getManagedArrays().size();
      }
      assertArrayEquals(recorded, inference, 0f);
      int layers = m.config().numLayers();
      // ids, positions, rope tables, mask, embeddings, final norm, logits: a few dozen at most,
      // against some thirty arrays per layer when every intermediate is kept
      System.out.println(
          "arrays left in the scope: inference "
              + inferenceArrays
              + ", recorded "
              + recordedArrays);
      assertTrue(inferenceArrays < 40, "inference scope holds " + inferenceArrays + " arrays");
      assertTrue(
          recordedArrays > inferenceArrays + 20 * layers,
          "recorded "
              + recordedArrays
              + " vs inference "
              + inferenceArrays
              + " arrays, "
              + layers
              + " layers");
    }
  }
}
