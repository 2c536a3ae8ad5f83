/**
 * HTTP contracts of the policy service that other services call: the rewards a run logged, which
 * reward-service's refine reads as the interaction log's reward distribution (Eq. 13), and the
 * rollout log itself ({@link org.ugda.api.policy.RolloutView}, paged as {@link
 * org.ugda.api.policy.RolloutPage}), which selection reads.
 */
package org.ugda.api.policy;
