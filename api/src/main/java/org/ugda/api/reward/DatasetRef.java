package org.ugda.api.reward;

import java.util.List;
import java.util.UUID;

/**
 * Preference pairs by exactly one of: an uploaded dataset's id, a JSONL file (HH or RewardBench
 * layout) relative to the storage root, or pairs inline.
 */
public record DatasetRef(UUID id, String path, List<PreferencePair> pairs) {
  public DatasetRef {
    pairs = pairs == null ? null : List.copyOf(pairs);
  }
}
