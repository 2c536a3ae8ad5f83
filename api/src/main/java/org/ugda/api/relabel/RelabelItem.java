package org.ugda.api.relabel;

import java.util.Objects;

/**
 * One sample to label: the dialogue so far and the response to score.
 *
 * @param externalId the caller's id for the sample (e.g. a selection's sample id), echoed in
 *     labels; optional, at most 200 characters
 * @param prompt the dialogue up to the response, in the HH layout ({@code "\n\nHuman:
 *     ...\n\nAssistant:"}); must not be blank
 * @param response the assistant response to score; may be empty (an empty answer is scorable)
 */
public record RelabelItem(String externalId, String prompt, String response) {

  public RelabelItem {
    Scores.requireLength(externalId, "externalId", 200);
    Scores.requireText(prompt, "prompt", Integer.MAX_VALUE);
    Objects.requireNonNull(response, "response is required (use \"\" for an empty response)");
  }
}
