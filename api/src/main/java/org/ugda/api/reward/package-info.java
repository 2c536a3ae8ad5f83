/**
 * HTTP contracts of the reward service: LoRA reward ensembles, their immutable versions, scoring
 * (every member's reward, the mean and the variance of Eq. 8), training (Eq. 1), refining (Eq.
 * 13-14), evaluation and jobs. Optional fields are boxed and null means "the service default".
 *
 * <p>A request record checks in its compact constructor what it can judge alone (required fields,
 * ranges, list sizes that no setting changes) and throws an IllegalArgumentException whose sentence
 * names the field, with its index inside a list, and the fix; a service answers it as a 400 before
 * it stores anything. What depends on a service's settings or state (item limits, paths under its
 * storage root, what exists) the service checks.
 */
package org.ugda.api.reward;
