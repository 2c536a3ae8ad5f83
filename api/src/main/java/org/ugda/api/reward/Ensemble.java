package org.ugda.api.reward;

import java.time.Instant;
import java.util.UUID;

/** An ensemble and its newest version. */
public record Ensemble(
    UUID id,
    String name,
    String baseModel,
    EnsembleMode mode,
    int members,
    int latestVersion,
    Instant createdAt) {

  /** The most members an ensemble may have. */
  public static final int MAX_MEMBERS = 16;
}
