package org.ugda.api.relabel;

import java.util.ArrayList;
import java.util.List;

/**
 * Body of {@code POST /v1/relabel/jobs}. Send an {@code Idempotency-Key} header with it: a retried
 * POST with the same key and body returns the job created the first time.
 *
 * @param expert one of {@code openai}, {@code human}, {@code simulated}, {@code openai+human} (see
 *     {@link Expert})
 * @param items the samples to label, at least one; the service caps the count and the text lengths
 *     (413 beyond them)
 */
public record CreateRelabelJob(String expert, List<RelabelItem> items) {

  public CreateRelabelJob {
    Expert.parse(expert);
    if (items == null || items.isEmpty()) {
      throw new IllegalArgumentException("items must hold at least one {prompt, response}");
    }
    List<RelabelItem> copy = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        throw new IllegalArgumentException(
            "items[" + i + "] is null; every item needs a prompt and a response");
      }
      copy.add(items.get(i));
    }
    items = List.copyOf(copy);
  }

  /** The expert as an enum. */
  public Expert expertKind() {
    return Expert.parse(expert);
  }
}
