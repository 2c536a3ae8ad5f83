package org.ugda.reward.support;

import java.util.ArrayList;
import java.util.List;
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

  /** A one-epoch train request on inline {@code pairs} in batches of {@code batchSize}. */
  public static Map<String, Object> trainOneEpochOn(
      List<Map<String, Object>> pairs, int batchSize) {
    return Map.of(
        "dataset", Map.of("pairs", pairs), "training", Map.of("epochs", 1, "batchSize", batchSize));
  }

  /** {@code n} pairs "what is i plus 1 ?": the right sum chosen, {@code rejected} rejected. */
  public static List<Map<String, Object>> plusOnePairs(int n, String rejected) {
    List<Map<String, Object>> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(
          Map.of(
              "prompt", "what is " + i + " plus 1 ?",
              "chosen", i + " plus 1 is " + (i + 1) + " .",
              "rejected", rejected));
    }
    return pairs;
  }
}
