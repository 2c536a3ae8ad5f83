package org.ugda.api.policy;

/**
 * A prompt of a PPO run: HH text ({@code "\n\nHuman: ...\n\nAssistant:"}, or plain text taken as
 * one human turn) and the subtask it belongs to ({@code helpful}, {@code harmless}, ...; optional).
 */
public record RunPrompt(String prompt, String subtask) {
  public RunPrompt {
    if (prompt == null || prompt.isBlank()) {
      throw new IllegalArgumentException("every prompt needs non-blank text");
    }
    if (subtask != null && (subtask.isBlank() || subtask.length() > 64)) {
      throw new IllegalArgumentException("subtask must be 1 to 64 characters when given");
    }
  }
}
