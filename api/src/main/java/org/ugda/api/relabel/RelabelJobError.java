package org.ugda.api.relabel;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that went wrong in a job, in words meant for an operator (never a secret).
 *
 * @param ordinal the item's position in the request (0-based), or null for a job-wide error
 * @param externalId the item's external id, if it had one
 * @param message what happened and what to do
 * @param at when
 */
public record RelabelJobError(Integer ordinal, String externalId, String message, Instant at) {

  public RelabelJobError {
    if (ordinal != null && ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be a position in the request (>= 0)");
    }
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }
}
