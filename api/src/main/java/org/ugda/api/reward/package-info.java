/**
 * HTTP contracts of the reward service: LoRA reward ensembles, their immutable versions, scoring
 * (every member's reward, the mean and the variance of Eq. 8), training (Eq. 1), refining (Eq.
 * 13-14), evaluation and jobs. Optional fields are boxed and null means "the service default".
 */
package org.ugda.api.reward;
