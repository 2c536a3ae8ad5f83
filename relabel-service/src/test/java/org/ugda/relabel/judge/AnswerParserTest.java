package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerParserTest {

  private final AnswerParser parser = new AnswerParser();

  @Test
  void shouldReadScoreAndReason() {
    assertThat(parser.parse("{\"score\": 4, \"reason\": \"Correct and concise.\"}"))
        .isEqualTo(new Verdict.Scored(4, "Correct and concise."));
  }

  @Test
  void shouldTolerateOneMarkdownFenceAroundTheObject() {
    assertThat(parser.parse("```json\n{\"score\": 2, \"reason\": \"wrong sum\"}\n```"))
        .isEqualTo(new Verdict.Scored(2, "wrong sum"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4",
        "Score: 4",
        "I would give this a 4/5.",
        "{\"score\": 4, \"reason\": \"ok\"} and more",
        "{\"score\": \"4\", \"reason\": \"string score\"}",
        "{\"score\": 4.5, \"reason\": \"half\"}",
        "{\"score\": 4.0, \"reason\": \"float\"}",
        "{\"score\": 0, \"reason\": \"too low\"}",
        "{\"score\": 6, \"reason\": \"too high\"}",
        "{\"score\": -1, \"reason\": \"negative\"}",
        "{\"score\": 99999999999, \"reason\": \"huge\"}",
        "{\"score\": 4}",
        "{\"reason\": \"no score\"}",
        "{\"score\": 4, \"reason\": 5}",
        "{\"score\": 4, \"reason\": \"ok\", \"confidence\": 0.9}",
        "{\"score\": 4, \"score\": 5, \"reason\": \"duplicate\"}",
        "[{\"score\": 4, \"reason\": \"array\"}]",
        "{\"score\": 4, \"reason\": \"unterminated",
        "",
        "   "
      })
  void shouldNeverGuessFromAnAnswerThatIsNotExactlyTheAskedObject(String answer) {
    assertThat(parser.parse(answer)).isInstanceOf(Verdict.Unusable.class);
  }

  @Test
  void shouldSayWhyAnOutOfRangeScoreIsUnusable() {
    assertThat(parser.parse("{\"score\": 7, \"reason\": \"great\"}"))
        .isEqualTo(new Verdict.Unusable("score 7 is outside 1..5"));
  }

  @Test
  void shouldTreatNoContentAsUnusable() {
    assertThat(parser.parse(null)).isInstanceOf(Verdict.Unusable.class);
  }

  @Test
  void shouldShortenAnOverlongReasonButKeepTheScore() {
    String reason = "x".repeat(AnswerParser.MAX_REASON_CHARS + 100);
    Verdict verdict = parser.parse("{\"score\": 3, \"reason\": \"" + reason + "\"}");

    assertThat(verdict)
        .isInstanceOfSatisfying(
            Verdict.Scored.class,
            scored -> {
              assertThat(scored.score()).isEqualTo(3);
              assertThat(scored.reason()).hasSize(AnswerParser.MAX_REASON_CHARS);
            });
  }
}
