package org.ugda.reward.support;

import java.util.Map;
import org.ugda.world.WorldFiles;

/** Request bodies that several tests submit as jobs. */
public final class JobBodies {
  private JobBodies() {}

  /** A train request on the test world's training pairs with {@code training} as its settings. */
  public static Map<String, Object> trainOnWorldPairs(Object training) {
    return Map.of(
        "dataset", Map.of("path", "world/" + WorldFiles.PAIRS_TRAIN), "training", training);
  }
}
