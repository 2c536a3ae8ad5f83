/**
 * HTTP contracts of the policy service that other services call: so far the rewards a run logged,
 * which reward-service's refine reads as the interaction log's reward distribution (Eq. 13).
 */
package org.ugda.api.policy;
