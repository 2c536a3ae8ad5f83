package org.ugda.api.relabel;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored label; immutable once written.
 *
 * @param id the label
 * @param itemId the labelled item
 * @param jobId the item's job
 * @param ordinal the item's position in its job
 * @param externalId the item's external id, if any
 * @param expert who gave it: {@code openai}, {@code human} or {@code simulated} (an {@link
 *     Expert}'s wire name; {@link #expertKind()} is the enum)
 * @param labeller the model, the person, or the simulated expert's settings
 * @param score 1..5
 * @param comment the LLM's reason or the person's comment, if any
 * @param rubricVersion the rubric it was given under
 * @param supersedes the label this one corrects, or null for an original label
 * @param createdAt when it was stored
 */
public record Label(
    UUID id,
    UUID itemId,
    UUID jobId,
    int ordinal,
    String externalId,
    String expert,
    String labeller,
    int score,
    String comment,
    String rubricVersion,
    UUID supersedes,
    Instant createdAt) {

  public Label {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(itemId, "itemId");
    if (Expert.parse(expert) == Expert.OPENAI_THEN_HUMAN) {
      throw new IllegalArgumentException(
          "a label's expert is openai, human or simulated, never openai+human");
    }
    Objects.requireNonNull(labeller, "labeller");
    Scores.require(score);
    Objects.requireNonNull(rubricVersion, "rubricVersion");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The expert as an enum. */
  public Expert expertKind() {
    return Expert.parse(expert);
  }
}
