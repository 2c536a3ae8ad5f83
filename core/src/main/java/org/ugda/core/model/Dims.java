package org.ugda.core.model;

import org.ugda.core.format.ModelConfig;

/** Input and output widths of each linear layer of a block. */
public final class Dims {
  private Dims() {}

  public static int in(Proj p, ModelConfig c) {
    return switch (p) {
      case Q, K, V, GATE, UP -> c.hiddenSize();
      case O -> c.numHeads() * c.headDim();
      case DOWN -> c.intermediateSize();
    };
  }

  public static int out(Proj p, ModelConfig c) {
    return switch (p) {
      case Q -> c.numHeads() * c.headDim();
      case K, V -> c.numKvHeads() * c.headDim();
      case O, DOWN -> c.hiddenSize();
      case GATE, UP -> c.intermediateSize();
    };
  }

  public static boolean hasBias(Proj p, ModelConfig c) {
    return switch (p) {
      case Q, K, V -> c.qkvBias();
      case O -> c.outputBias();
      case GATE, UP, DOWN -> c.mlpBias();
    };
  }
}
