package org.ugda.relabel.support;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.ugda.api.relabel.RelabelItem;

/** Relabel items of the tests: one-turn conversations, and responses the OpenAI stub scores. */
public final class Items {
  private Items() {}

  /** A conversation of one human turn, as the Anthropic HH data writes it. */
  public static String conversation(String human) {
    return "\n\nHuman: " + human + "\n\nAssistant:";
  }

  /** An item without a client id: {@code response} to a one-turn conversation. */
  public static RelabelItem item(String human, String response) {
    return new RelabelItem(null, conversation(human), response);
  }

  /**
   * {@code n} items of one conversation; item i has the id {@code idPrefix + i} (none where {@code
   * idPrefix} is null) and the response {@code response.apply(i) + " #stub:ok:" + (1 + i % 5)},
   * which the stub scores 1 to 5 in turn.
   */
  public static List<RelabelItem> scored(
      int n, String idPrefix, String human, IntFunction<String> response) {
    List<RelabelItem> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(
          new RelabelItem(
              idPrefix == null ? null : idPrefix + i,
              conversation(human),
              response.apply(i) + " #stub:ok:" + (1 + i % 5)));
    }
    return items;
  }
}
