package org.ugda.api.reward;

import java.util.List;
import org.ugda.api.check.RequestChecks;

/**
 * Items to score; {@code version} pins an ensemble version, null takes the latest.
 *
 * @param items at least one (the service caps the count: 413 beyond it)
 * @param version 1 or more; null: the latest
 */
public record ScoreRequest(List<ScoreItem> items, Integer version) {
  public ScoreRequest {
    items = ScoreItem.requireItems(items, "items", "{prompt, response} or {tokenIds}");
    RequestChecks.version(version, "version");
  }
}
