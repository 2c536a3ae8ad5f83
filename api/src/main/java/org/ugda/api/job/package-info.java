/**
 * The job vocabulary every service with long work shares: {@link org.ugda.api.job.JobState} and the
 * path and header names in {@link org.ugda.api.job.Jobs}. The job resources themselves differ per
 * service (a training job reports losses, a relabel job item counts) and live beside their
 * service's other contracts.
 */
package org.ugda.api.job;
