package org.ugda.relabel.job;

import java.util.UUID;

/**
 * One stored item of a job.
 *
 * @param id the item
 * @param jobId its job
 * @param ordinal its position in the request
 * @param externalId the caller's id, if any
 * @param prompt the dialogue so far
 * @param response the response to label
 */
record Item(UUID id, UUID jobId, int ordinal, String externalId, String prompt, String response) {}
