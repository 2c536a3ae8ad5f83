package org.ugda.api.selection;

/**
 * A checkpoint of the PPO run that influence is taken at (Eq. 10's theta_i).
 *
 * @param epoch the checkpoint's epoch (1-based), as policy-service lists it
 * @param learningRate eta-bar_i, its weight; null takes the epoch's mean learning rate that
 *     policy-service stored with the checkpoint
 */
public record SelectionCheckpoint(int epoch, Double learningRate) {
  public SelectionCheckpoint {
    if (epoch < 1) {
      throw new IllegalArgumentException("checkpoint epochs count from 1, got " + epoch);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException(
          "checkpoint " + epoch + ": learningRate must be a positive number, got " + learningRate);
    }
  }
}
