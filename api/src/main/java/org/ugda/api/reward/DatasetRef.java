package org.ugda.api.reward;

import java.util.List;
import java.util.UUID;
import org.ugda.api.check.RequestChecks;

/**
 * Preference pairs by exactly one of: an uploaded dataset's id, a JSONL file (HH or RewardBench
 * layout) relative to the storage root, or pairs inline (the service caps their number: 413 beyond
 * it). Requests carry it as {@code dataset}, which its messages name.
 */
public record DatasetRef(UUID id, String path, List<PreferencePair> pairs) {
  public DatasetRef {
    int given = (id != null ? 1 : 0) + (path != null ? 1 : 0) + (pairs != null ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException(
          "dataset needs exactly one of id, path and pairs; got " + given);
    }
    if (path != null) {
      RequestChecks.notBlank(path, "dataset.path", "a JSONL file under the storage root");
    }
    if (pairs != null) {
      if (pairs.isEmpty()) {
        throw new IllegalArgumentException(
            "dataset.pairs must hold at least one {prompt, chosen, rejected}");
      }
      for (int i = 0; i < pairs.size(); i++) {
        String where = "dataset.pairs[" + i + "]";
        if (pairs.get(i) == null) {
          throw new IllegalArgumentException(where + " needs prompt, chosen and rejected");
        }
        pairs.get(i).requireValid(where);
      }
      pairs = List.copyOf(pairs);
    }
  }

  /** The preference pairs a request names as {@code dataset}. */
  static void require(DatasetRef dataset) {
    if (dataset == null) {
      throw new IllegalArgumentException(
          "dataset is required: {id} of an upload, {path} under the storage root, or {pairs}");
    }
  }
}
