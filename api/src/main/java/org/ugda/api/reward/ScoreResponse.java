package org.ugda.api.reward;

import java.util.List;
import java.util.UUID;

/** Rewards of each item, in request order, and the ensemble version that produced them. */
public record ScoreResponse(UUID ensembleId, int version, List<ScoredItem> items) {
  public ScoreResponse {
    items = List.copyOf(items);
  }
}
