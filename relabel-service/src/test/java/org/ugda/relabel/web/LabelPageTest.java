package org.ugda.relabel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.RelabelProgress;

class LabelPageTest {

  @Test
  void shouldShowEachTurnOfAnHhDialogue() {
    String html =
        LabelPage.dialogue(
            "\n\nHuman: what is 2 plus 2 ?\n\nAssistant: 4 .\n\nHuman: and 3 plus 3 ?"
                + "\n\nAssistant:");

    assertThat(html)
        .contains(
            "<b>Human:</b> what is 2 plus 2 ?",
            "<b>Assistant:</b> 4 .",
            "<b>Human:</b> and 3 plus 3 ?",
            "<b>Assistant:</b> <i>(the response below)</i>");
  }

  @Test
  void shouldEscapeEverythingItShows() {
    HumanTask task =
        new HumanTask(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            0,
            "<ext>",
            "\n\nHuman: <script>alert(1)</script>\n\nAssistant:",
            "<img src=x onerror=alert(2)>",
            "because <b>",
            "eve\"><script>",
            Instant.parse("2025-01-01T12:00:00Z"),
            new RelabelProgress(1, 0, 1, 0, 0, 0));

    String html = LabelPage.task(task, "<i>notice</i>");

    assertThat(html)
        .doesNotContain("<script>alert", "<img src=x", "<b>\"", "eve\"><script>", "<i>notice")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;");
  }

  @Test
  void shouldOfferFiveScoresAndTheKeyHandler() {
    HumanTask task =
        new HumanTask(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            3,
            null,
            "\n\nHuman: hi\n\nAssistant:",
            "hello",
            "expert human",
            "alice",
            Instant.now(),
            new RelabelProgress(4, 1, 3, 0, 0, 0));

    String html = LabelPage.task(task, null);

    for (int score = 1; score <= 5; score++) {
      assertThat(html).contains("id=\"score-" + score + "\"");
    }
    assertThat(html).contains("addEventListener('keydown'", "1 of 4 labelled", "action=\"label\"");
  }

  @Test
  void shouldContinueWithRelativeLinksThatSurviveTheGatewayPrefix() {
    assertThat(LabelPage.next("ann marie", null)).isEqualTo("label?labeller=ann%20marie");
  }
}
