package org.ugda.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ugda.world.tasks.Arithmetic;
import org.ugda.world.tasks.Facts;
import org.ugda.world.tasks.ListItems;
import org.ugda.world.tasks.Unsafe;
import org.ugda.world.vocab.WordLevelTokenizer;

/**
 * Every word the world can write, from its constants alone: any seed gives the same vocabulary, so
 * models of different worlds share token ids.
 */
public final class Vocabulary {
  private Vocabulary() {}

  public static List<String> words() {
    List<String> texts = new ArrayList<>();
    texts.add("Human: Assistant: , . ? : is the words numbers first you then");
    for (String q : Arithmetic.QUESTIONS) {
      texts.add(q);
    }
    for (String q : ListItems.QUESTIONS) {
      texts.add(q);
    }
    for (String q : Unsafe.QUESTIONS) {
      texts.add(q);
    }
    texts.add("plus minus times reverse repeat sort");
    for (Facts.Relation r : Facts.RELATIONS) {
      texts.add(r.question());
      texts.add(r.answer());
      r.table().forEach((k, v) -> texts.add(k + " " + v));
    }
    Facts.CATEGORIES.forEach(
        (c, m) -> {
          texts.add(c);
          texts.addAll(m);
        });
    texts.addAll(Facts.COUNT_WORDS);
    texts.addAll(Facts.REWRITE_WORDS);
    texts.addAll(Facts.HARM_VERBS);
    texts.addAll(Facts.HARM_TARGETS);
    texts.addAll(Facts.HARM_STEPS);
    texts.addAll(Facts.ALTERNATIVES);
    texts.addAll(Facts.REFUSALS);
    texts.addAll(Facts.FILLERS);
    for (int i = 0; i <= Facts.MAX_NUMBER; i++) {
      texts.add(Integer.toString(i));
    }
    TreeSet<String> words = new TreeSet<>();
    for (String t : texts) {
      for (String w : t.strip().split("\\s+")) {
        if (!w.isEmpty() && !(w.startsWith("{") && w.endsWith("}"))) {
          words.add(w);
        }
      }
    }
    return List.copyOf(words);
  }

  public static Map<String, Integer> ids() {
    return WordLevelTokenizer.vocabulary(words());
  }
}
