package org.ugda.api.reward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An item to score: a prompt (HH layout or plain text) and a response, or, for clients that
 * tokenize themselves, {@code tokenIds} alone (used verbatim: no BOS, EOS or dialogue markers are
 * added; the reward is read at the last id).
 *
 * <p>The request that carries items checks each with {@link #requireValid}, so that a message names
 * the item's index; limits that the service configures (items, characters, tokens, the base's
 * vocabulary) are checked by the service.
 */
public record ScoreItem(String prompt, String response, List<Long> tokenIds) {
  public ScoreItem {
    // may hold a null id, which requireValid reports with its index
    tokenIds = tokenIds == null ? null : Collections.unmodifiableList(new ArrayList<>(tokenIds));
  }

  public ScoreItem(String prompt, String response) {
    this(prompt, response, null);
  }

  /**
   * Checks the item {@code where} names (e.g. {@code items[3]}): text or token ids, not both; every
   * id non-negative.
   */
  public void requireValid(String where) {
    if (tokenIds != null) {
      if (prompt != null || response != null) {
        throw new IllegalArgumentException(where + " has tokenIds and text; send one or the other");
      }
      if (tokenIds.isEmpty()) {
        throw new IllegalArgumentException(where + ".tokenIds is empty");
      }
      for (int j = 0; j < tokenIds.size(); j++) {
        Long id = tokenIds.get(j);
        if (id == null || id < 0) {
          throw new IllegalArgumentException(
              where
                  + ".tokenIds["
                  + j
                  + "] is "
                  + id
                  + "; ids must be in 0..(vocabulary size - 1)");
        }
      }
      return;
    }
    if (prompt == null || response == null) {
      throw new IllegalArgumentException(
          where + " needs both prompt and response (or tokenIds alone)");
    }
  }

  /** Checks a list of items named {@code field}: at least one, each present and valid. */
  static List<ScoreItem> requireItems(List<ScoreItem> items, String field, String fix) {
    if (items == null || items.isEmpty()) {
      throw new IllegalArgumentException(field + " must hold at least one " + fix);
    }
    for (int i = 0; i < items.size(); i++) {
      String where = field + "[" + i + "]";
      if (items.get(i) == null) {
        throw new IllegalArgumentException(where + " is null; every item needs " + fix);
      }
      items.get(i).requireValid(where);
    }
    return List.copyOf(items);
  }
}
