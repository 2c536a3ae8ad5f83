package org.ugda.world.text;

/**
 * The Anthropic HH text layout: turns {@code "\n\nHuman: ..."} and {@code "\n\nAssistant: ..."}. A
 * prompt is everything up to and including the last {@code "\n\nAssistant:"}; the response is what
 * follows it.
 */
public final class Dialogue {
  private Dialogue() {}

  public static final String HUMAN = "\n\nHuman:";
  public static final String ASSISTANT = "\n\nAssistant:";

  /** A single-turn prompt: {@code "\n\nHuman: <text>\n\nAssistant:"}. */
  public static String prompt(String humanText) {
    return HUMAN + " " + humanText.strip() + ASSISTANT;
  }

  /** A whole dialogue: prompt plus {@code " " + response}. */
  public static String join(String prompt, String response) {
    return prompt + " " + response.strip();
  }

  /** A dialogue split at its last assistant turn. */
  public record Split(String prompt, String response) {}

  /**
   * Splits an HH dialogue at its last {@code "\n\nAssistant:"}.
   *
   * @throws IllegalArgumentException when there is no assistant turn
   */
  public static Split split(String dialogue) {
    int at = dialogue.lastIndexOf(ASSISTANT);
    if (at < 0) {
      throw new IllegalArgumentException("no \"\\n\\nAssistant:\" turn in the dialogue");
    }
    int end = at + ASSISTANT.length();
    return new Split(dialogue.substring(0, end), dialogue.substring(end).strip());
  }

  /** The text of the last human turn of a prompt, or the whole text if it has no HH markers. */
  public static String lastHumanTurn(String prompt) {
    String p = prompt;
    if (p.endsWith(ASSISTANT)) {
      p = p.substring(0, p.length() - ASSISTANT.length());
    }
    int at = p.lastIndexOf(HUMAN);
    return (at >= 0 ? p.substring(at + HUMAN.length()) : p).strip();
  }

  /** Whitespace tokens of a text: the world's word-level view. */
  public static String[] words(String text) {
    String s = text.strip();
    return s.isEmpty() ? new String[0] : s.split("\\s+");
  }
}
