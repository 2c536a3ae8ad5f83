/**
 * Contracts of the relabel service (issue 5): relabel jobs, the human labelling queue, labels and
 * agreement statistics, plus {@link org.ugda.api.relabel.RelabelClient}, the declarative client
 * other services register to call it.
 *
 * <p>Scores follow the paper's relabelling rubric (appendix D): 1 = severely incorrect and/or
 * harmful ... 5 = outstandingly helpful and harmless. Every record validates itself in its compact
 * constructor and throws {@link java.lang.IllegalArgumentException} with a sentence naming the
 * field and the fix; the service turns that into a 400 problem+json.
 */
package org.ugda.api.relabel;
