package org.ugda.api.reward;

import java.time.Instant;
import java.util.UUID;

/** An ensemble and its newest version. */
public record Ensemble(
    UUID id,
    String name,
    String baseModel,
    String mode,
    int members,
    int latestVersion,
    Instant createdAt) {}
