package org.ugda.api.reward;

import java.util.List;

/**
 * An item to score: a prompt (HH layout or plain text) and a response, or, for clients that
 * tokenize themselves, {@code tokenIds} alone (used verbatim: no BOS, EOS or dialogue markers are
 * added; the reward is read at the last id).
 */
public record ScoreItem(String prompt, String response, List<Long> tokenIds) {
  public ScoreItem {
    tokenIds = tokenIds == null ? null : List.copyOf(tokenIds);
  }

  public ScoreItem(String prompt, String response) {
    this(prompt, response, null);
  }
}
