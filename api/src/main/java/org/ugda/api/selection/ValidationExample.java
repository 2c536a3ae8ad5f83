package org.ugda.api.selection;

import org.ugda.api.check.RequestChecks;

/**
 * One validation example: a prompt and the chosen response, given either as {@code prompt} + {@code
 * response} or as an Anthropic HH {@code chosen} dialogue ({@code "\n\nHuman: ...\n\nAssistant:
 * ..."}), split at its last {@code "\n\nAssistant:"} (an HH JSONL line's {@code rejected} is
 * ignored). After construction {@code prompt} and {@code response} are set and {@code chosen} is
 * null.
 */
public record ValidationExample(String prompt, String response, String chosen) {
  static final String ASSISTANT = "\n\nAssistant:";

  public ValidationExample {
    if (chosen != null) {
      if (prompt != null || response != null) {
        throw new IllegalArgumentException(
            "a validation example is prompt + response or an HH chosen dialogue, not both");
      }
      int at = chosen.lastIndexOf(ASSISTANT);
      if (at < 0) {
        throw new IllegalArgumentException(
            "an HH chosen dialogue needs a \"\\n\\nAssistant:\" turn; got "
                + RequestChecks.quoted(chosen));
      }
      prompt = chosen.substring(0, at + ASSISTANT.length());
      response = chosen.substring(at + ASSISTANT.length()).strip();
      chosen = null;
    }
    if (prompt == null || prompt.isBlank() || response == null || response.isBlank()) {
      throw new IllegalArgumentException(
          "every validation example needs a non-blank prompt and response (or an HH chosen"
              + " dialogue)");
    }
  }

  public static ValidationExample of(String prompt, String response) {
    return new ValidationExample(prompt, response, null);
  }
}
