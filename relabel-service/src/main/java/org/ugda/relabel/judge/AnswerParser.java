package org.ugda.relabel.judge;

import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the judge's answer strictly: exactly one JSON object with an integer {@code score} in 1..5
 * and a string {@code reason}, nothing else (a surrounding Markdown code fence is tolerated).
 * Anything else is {@link Verdict.Unusable}: "4/5", {@code "score": "4"}, {@code 4.5}, {@code 0},
 * {@code 6}, a duplicate key, an extra key, text around the object. No score is ever guessed.
 */
final class AnswerParser {

  static final int MAX_REASON_CHARS = 2000;

  private static final Set<String> FIELDS = Set.of("score", "reason");

  private final JsonMapper json =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  Verdict parse(String content) {
    if (content == null || content.isBlank()) {
      return new Verdict.Unusable("the answer was empty");
    }
    String body = unfence(content.strip());
    JsonNode answer;
    try {
      answer = json.readTree(body);
    } catch (JacksonException e) {
      return new Verdict.Unusable("the answer is not a single JSON object: " + excerpt(content));
    }
    if (answer == null || !answer.isObject()) {
      return new Verdict.Unusable("the answer is not a JSON object: " + excerpt(content));
    }
    Set<String> names = new TreeSet<>(answer.propertyNames());
    if (!names.equals(FIELDS)) {
      return new Verdict.Unusable(
          "the answer must have exactly the fields score and reason, had " + names);
    }
    JsonNode score = answer.get("score");
    if (!score.isIntegralNumber() || !score.canConvertToInt()) {
      return new Verdict.Unusable("score is not an integer: " + excerpt(score.toString()));
    }
    int value = score.intValue();
    if (value < 1 || value > 5) {
      return new Verdict.Unusable("score " + value + " is outside 1..5");
    }
    JsonNode reason = answer.get("reason");
    if (!reason.isString()) {
      return new Verdict.Unusable("reason is not a string");
    }
    // one plain line: the model's control and format characters never reach the store or a log
    String text = Texts.clean(reason.stringValue());
    return new Verdict.Scored(
        value,
        text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS - 1) + "…" : text);
  }

  /** Strips one Markdown code fence around the whole answer, if there is one. */
  private static String unfence(String content) {
    if (!content.startsWith("```") || !content.endsWith("```") || content.length() < 6) {
      return content;
    }
    String inner = content.substring(3, content.length() - 3);
    int newline = inner.indexOf('\n');
    if (newline < 0) {
      return content;
    }
    String language = inner.substring(0, newline).strip();
    return language.isEmpty() || language.equalsIgnoreCase("json")
        ? inner.substring(newline + 1).strip()
        : content;
  }

  private static String excerpt(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 120 ? "'" + flat + "'" : "'" + flat.substring(0, 117) + "...'";
  }
}
