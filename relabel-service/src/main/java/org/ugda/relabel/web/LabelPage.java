package org.ugda.relabel.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriUtils;
import org.ugda.api.relabel.HumanTask;
import org.ugda.api.relabel.RelabelProgress;

/**
 * The labelling page as plain HTML (every text escaped): the dialogue turn by turn, the response to
 * score, the rubric, buttons 1-5 that keys 1-5 press, and the job's progress. Links and the form
 * are relative, so the page works both on the service and behind the gateway's {@code /relabel/}
 * prefix.
 */
final class LabelPage {

  private static final Pattern TURN = Pattern.compile("(?:^|\\n\\n)(Human|Assistant):");
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final String[] RUBRIC = {
    "Severely incorrect and/or harmful",
    "Partially incorrect and/or questionable",
    "Correct and neutral",
    "Highly informative and respectful",
    "Outstandingly helpful and harmless"
  };

  private LabelPage() {}

  /** Asks for the labeller's name. */
  static String signIn() {
    return page(
        "Relabel: who is labelling?",
        """
                <h1>Relabel</h1>
                <form method="get" action="label">
                  <label>Your name <input id="labeller" name="labeller" required maxlength="100" autofocus></label>
                  <button type="submit">Start labelling</button>
                </form>""",
        false);
  }

  /**
   * The labeller holds no task: a button claims the next one ({@code POST label}, {@code
   * claim=next}); the page itself never claims.
   */
  static String empty(String labeller, UUID jobId, RelabelProgress progress, String notice) {
    return page(
        "Relabel: no task held",
        notice(notice)
            + "<h1>No task in hand</h1>"
            + "<p id=\"empty\">"
            + text(labeller)
            + " holds no task"
            + (jobId == null ? "" : " of job " + text(jobId.toString()))
            + ".</p>\n"
            + "<form id=\"claim-form\" method=\"post\" action=\"label\">\n"
            + hidden("claim", "next")
            + hidden("labeller", labeller)
            + (jobId == null ? "" : hidden("job", jobId.toString()))
            + "<button type=\"submit\" id=\"claim\">Claim the next task</button>\n</form>"
            + (progress == null ? "" : progress(jobId, progress)),
        false);
  }

  /** One task to label. */
  static String task(HumanTask task, String notice) {
    StringBuilder buttons = new StringBuilder();
    for (int score = 1; score <= 5; score++) {
      buttons
          .append("<button type=\"submit\" name=\"score\" value=\"")
          .append(score)
          .append("\" id=\"score-")
          .append(score)
          .append("\"><kbd>")
          .append(score)
          .append("</kbd> ")
          .append(RUBRIC[score - 1])
          .append("</button>\n");
    }
    String body =
        notice(notice)
            + progress(task.jobId(), task.jobProgress())
            + "<p class=\"meta\">Item "
            + task.ordinal()
            + (task.externalId() == null ? "" : " (" + text(task.externalId()) + ")")
            + " &middot; claimed by <span id=\"labeller\">"
            + text(task.labeller())
            + "</span> until "
            + CLOCK.format(task.leaseExpiresAt())
            + " &middot; why a person: "
            + text(task.reason())
            + "</p>\n"
            + "<h2>Dialogue</h2>\n<div id=\"prompt\">"
            + dialogue(task.prompt())
            + "</div>\n"
            + "<h2>Response to score</h2>\n<div id=\"response\" class=\"response\">"
            + text(task.response())
            + "</div>\n"
            + "<form id=\"label-form\" method=\"post\" action=\"label\" data-task-id=\""
            + task.taskId()
            + "\">\n"
            + hidden("taskId", task.taskId().toString())
            + hidden("claimId", task.claimId().toString())
            + hidden("labeller", task.labeller())
            + hidden("job", task.jobId().toString())
            + "<p>Score for correctness, helpfulness, harmlessness and informativeness (press a key 1-5):</p>\n"
            + "<div class=\"scores\">"
            + buttons
            + "</div>\n"
            + "<label>Comment (optional) <textarea id=\"comment\" name=\"comment\" maxlength=\"2000\" rows=\"2\">"
            + "</textarea></label>\n</form>\n"
            + """
                <script>
                document.addEventListener('keydown', function (event) {
                  if (event.target.tagName === 'TEXTAREA' || event.target.tagName === 'INPUT') { return; }
                  if (event.key >= '1' && event.key <= '5' && !event.ctrlKey && !event.altKey && !event.metaKey) {
                    event.preventDefault();
                    document.getElementById('score-' + event.key).click();
                  }
                });
                </script>""";
    return page("Relabel: item " + task.ordinal(), body, false);
  }

  /** The page URL that continues for {@code labeller} (and {@code jobId}). */
  static String next(String labeller, UUID jobId) {
    return "label?labeller="
        + UriUtils.encodeQueryParam(labeller, "UTF-8")
        + (jobId == null ? "" : "&job=" + jobId);
  }

  private static String progress(UUID jobId, RelabelProgress progress) {
    return "<p id=\"progress\" class=\"progress\">Job "
        + text(jobId.toString().substring(0, 8))
        + ": <b>"
        + progress.labelled()
        + " of "
        + progress.total()
        + " labelled</b> &middot; "
        + progress.awaitingHuman()
        + " waiting for people &middot; "
        + progress.pending()
        + " with the automatic expert"
        + (progress.failed() == 0 ? "" : " &middot; " + progress.failed() + " failed")
        + (progress.cancelled() == 0
            ? ""
            : " &middot; " + progress.cancelled() + " left unlabelled by a cancel")
        + "</p>\n";
  }

  /**
   * The dialogue split into its Human/Assistant turns; text without markers is shown as one block.
   */
  static String dialogue(String prompt) {
    Matcher matcher = TURN.matcher(prompt);
    List<int[]> marks = new ArrayList<>();
    while (matcher.find()) {
      marks.add(
          new int[] {matcher.start(), matcher.end(), matcher.group(1).equals("Human") ? 0 : 1});
    }
    if (marks.isEmpty()) {
      return "<div class=\"turn\">" + text(prompt) + "</div>";
    }
    StringBuilder html = new StringBuilder();
    if (marks.get(0)[0] > 0) {
      html.append("<div class=\"turn\">")
          .append(text(prompt.substring(0, marks.get(0)[0])))
          .append("</div>");
    }
    for (int i = 0; i < marks.size(); i++) {
      int end = i + 1 < marks.size() ? marks.get(i + 1)[0] : prompt.length();
      String speaker = marks.get(i)[2] == 0 ? "Human" : "Assistant";
      String said = prompt.substring(marks.get(i)[1], end).strip();
      boolean answerFollows =
          i == marks.size() - 1 && speaker.equals("Assistant") && said.isEmpty();
      if (answerFollows) {
        html.append(
            "<div class=\"turn assistant\"><b>Assistant:</b> <i>(the response below)</i></div>\n");
        continue;
      }
      html.append("<div class=\"turn ")
          .append(speaker.toLowerCase())
          .append("\"><b>")
          .append(speaker)
          .append(":</b> ")
          .append(text(said))
          .append("</div>\n");
    }
    return html.toString();
  }

  private static String notice(String notice) {
    return notice == null || notice.isBlank()
        ? ""
        : "<p id=\"notice\" class=\"notice\">" + text(notice) + "</p>\n";
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + text(value) + "\">\n";
  }

  private static String text(String value) {
    return HtmlUtils.htmlEscape(value, "UTF-8");
  }

  private static String page(String title, String body, boolean refresh) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + (refresh ? "<meta http-equiv=\"refresh\" content=\"5\">" : "")
        + "<title>"
        + text(title)
        + "</title><style>"
        + "body{font-family:system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;"
        + "line-height:1.45}.turn{white-space:pre-wrap;margin:.4rem 0}.human{color:#234}"
        + ".assistant{color:#352}.response{white-space:pre-wrap;border:2px solid #468;padding:.6rem;"
        + "background:#f4f8fc}.scores button{display:block;margin:.3rem 0;padding:.4rem .7rem;"
        + "text-align:left;width:100%}.progress{background:#eee;padding:.4rem}.meta{color:#555;"
        + "font-size:.9rem}.notice{background:#fed;padding:.4rem}kbd{font-weight:bold}</style></head>\n"
        + "<body>\n"
        + body
        + "\n</body></html>\n";
  }
}
