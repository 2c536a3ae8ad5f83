package org.ugda.api.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One page of a run's rollout log, oldest first ({@code GET /v1/runs/{runId}/rollouts}).
 *
 * @param items the page's rollouts in id order; null when the answer had none
 * @param next the cursor of the following page (pass it as {@code ?after=} with the same filters),
 *     or null on the last page. Opaque: only a {@code next} the service gave is a valid cursor. The
 *     response's {@code Link: <...>; rel="next"} header holds the whole URL of that page
 */
public record RolloutPage(List<RolloutView> items, String next) {
  public RolloutPage {
    items = items == null ? null : Collections.unmodifiableList(new ArrayList<>(items));
  }
}
