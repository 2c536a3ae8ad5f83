package org.ugda.api.reward;

import java.time.Instant;
import java.util.UUID;

/** An uploaded preference dataset, stored under the storage root. */
public record Dataset(
    UUID id, String name, String format, int pairs, String sha256, Instant createdAt) {}
