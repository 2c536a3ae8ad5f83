package org.ugda.api.relabel;

/**
 * Body of {@code POST /v1/relabel/labels/{labelId}/corrections}: labels are never changed; a
 * correction is a new label that supersedes the old one and links to it.
 *
 * @param labeller who corrects
 * @param score the corrected score, 1..5
 * @param comment why; optional, at most 2000 characters
 */
public record LabelCorrection(String labeller, Integer score, String comment) {

  public LabelCorrection {
    Scores.requireText(labeller, "labeller", 100);
    Scores.require(score);
    Scores.requireLength(comment, "comment", 2000);
  }
}
