package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.tensor.NdData;

/**
 * Rotary position embedding tables, computed as transformers computes them (float32 inverse
 * frequencies, angle = position * inv_freq in float32, the half-split "rotate_half" layout) and
 * grown on demand. Looked up per token by position, so left-padded rows get their own positions.
 */
final class Rope {
  private final ModelConfig config;
  private final NDManager manager;
  private final float[] invFreq;
  private volatile NDArray cos;
  private volatile NDArray sin;
  private volatile int size;

  Rope(ModelConfig config, NDManager manager) {
    this.config = config;
    this.manager = manager;
    this.invFreq = inverseFrequencies(config);
  }

  /** inv_freq_i = 1 / theta^(2i/d), with linear or Llama 3 scaling applied. */
  static float[] inverseFrequencies(ModelConfig c) {
    int half = c.headDim() / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * i) / (float) c.headDim();
      inv[i] = 1.0f / (float) StrictMath.pow(c.ropeTheta(), exponent);
    }
    ModelConfig.RopeScaling s = c.ropeScaling();
    switch (s.type()) {
      case "linear" -> {
        for (int i = 0; i < half; i++) {
          inv[i] = (float) (inv[i] / s.factor());
        }
      }
      case "llama3" -> {
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
          double wavelen = 2 * Math.PI / inv[i];
          if (wavelen > lowWavelen) {
            inv[i] = (float) (inv[i] / s.factor());
          } else if (wavelen >= highWavelen) {
            double smooth =
                (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                    / (s.highFreqFactor() - s.lowFreqFactor());
            inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
          }
        }
      }
      default -> {}
    }
    return inv;
  }

  private synchronized void ensure(int positions) {
    if (positions <= size) {
      return;
    }
    int n = Math.max(positions, Math.max(2 * size, 256));
    int d = config.headDim();
    int half = d / 2;
    float[] c = new float[n * d];
    float[] s = new float[n * d];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) p * invFreq[i];
        float cv = (float) StrictMath.cos(angle);
        float sv = (float) StrictMath.sin(angle);
        c[p * d + i] = cv;
        c[p * d + half + i] = cv;
        s[p * d + i] = sv;
        s[p * d + half + i] = sv;
      }
    }
    NDArray oldC = cos;
    NDArray oldS = sin;
    cos = NdData.floats(manager, c, new Shape(n, d));
    sin = NdData.floats(manager, s, new Shape(n, d));
    size = n;
    // Old tables may still be read by a forward pass that started before; the manager frees
    // them with the model. They are small.
    if (oldC != null) {
      oldC.detach();
      oldS.detach();
    }
  }

  /** cos and sin for each position: two arrays [rows, cols, headDim] in the positions' manager. */
  NDArray[] lookup(NDArray positions, long maxPosition) {
    ensure((int) maxPosition + 1);
    NDArray c = Embedding.embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow();
    NDArray s = Embedding.embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow();
    return new NDArray[] {c, s};
  }

  /** x * cos + rotate_half(x) * sin, where rotate_half(x) = [-x2, x1]. */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long d = x.getShape().get(x.getShape().dimension() - 1);
    long half = d / 2;
    NDArray x1 = x.get("..., :" + half);
    NDArray x2 = x.get("..., " + half + ":");
    NDArray rotated = x2.neg().concat(x1, x.getShape().dimension() - 1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
