package org.ugda.api.reward;

import java.util.List;

/** Items to score; {@code version} pins an ensemble version, null takes the latest. */
public record ScoreRequest(List<ScoreItem> items, Integer version) {
  public ScoreRequest {
    items = items == null ? null : List.copyOf(items);
  }
}
