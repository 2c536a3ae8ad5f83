package org.ugda.api.reward;

import java.util.List;

/**
 * One item's rewards.
 *
 * @param members every member's reward
 * @param mean R_m, the mean over members (what trains the policy)
 * @param variance R_v = (1/k) sum (r_i - R_m)^2 (the uncertainty, Eq. 8)
 * @param tokens tokens scored, after any truncation
 * @param truncated whether the text exceeded the token limit and was cut
 * @param droppedTokens how many tokens were cut from the start of the prompt (then the response)
 * @param maxTokens the token limit that applied: the smaller of the service's ({@code
 *     ugda.reward.limits.max-tokens}) and the base model's {@code max_position_embeddings}
 */
public record ScoredItem(
    List<Double> members,
    double mean,
    double variance,
    int tokens,
    boolean truncated,
    int droppedTokens,
    int maxTokens) {
  public ScoredItem {
    members = List.copyOf(members);
  }
}
