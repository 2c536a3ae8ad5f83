package org.ugda.relabel.agreement;

import org.ugda.api.relabel.Expert;

/**
 * Which labels count as one expert's: a kind ({@code openai}, {@code human}, {@code simulated}),
 * optionally narrowed to one labeller ({@code human:alice}, {@code openai:gpt-4o-mini}).
 *
 * @param expert the kind's wire name
 * @param labeller the labeller, or null for all of the kind
 */
record ExpertSelector(String expert, String labeller) {

  static ExpertSelector parse(String text, String parameter) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          parameter
              + " is required: an expert such as openai, human, simulated"
              + " or human:alice");
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String labeller = colon < 0 ? null : text.substring(colon + 1);
    Expert parsed;
    try {
      parsed = Expert.parse(kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(parameter + ": " + e.getMessage());
    }
    if (parsed == Expert.OPENAI_THEN_HUMAN) {
      throw new IllegalArgumentException(
          parameter + ": labels come from openai or human, not openai+human");
    }
    if (labeller != null && labeller.isBlank()) {
      throw new IllegalArgumentException(
          parameter + ": name a labeller after the colon, e.g. human:alice");
    }
    return new ExpertSelector(kind, labeller);
  }

  @Override
  public String toString() {
    return labeller == null ? expert : expert + ":" + labeller;
  }
}
