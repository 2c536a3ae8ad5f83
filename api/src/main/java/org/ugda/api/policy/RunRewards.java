package org.ugda.api.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rewards a policy run logged with one ensemble version: {@code members.get(i).get(s)} is
 * member i's reward of logged sample s (DESIGN.md section 3, step 2: every sample is logged with
 * every member's reward).
 *
 * <p>An answer from another service is taken as sent (a missing or non-finite value stays, as null
 * or NaN): the caller decides what it can use and says what was wrong with it.
 *
 * @param members one list per member, in member order; null when the answer had none
 */
public record RunRewards(List<List<Double>> members) {
  public RunRewards {
    members =
        members == null
            ? null
            : members.stream()
                .map(m -> m == null ? null : Collections.unmodifiableList(new ArrayList<>(m)))
                .toList();
  }
}
