package org.ugda.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.ugda.support.problem.Problems;

class ProblemsTest {

  @Test
  void shouldGiveEveryStatusOneTitleAndThePathAsInstance() {
    ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "rank must be >= 1", "/v1/x");

    assertThat(problem.getTitle()).isEqualTo("Invalid request");
    assertThat(problem.getStatus()).isEqualTo(400);
    assertThat(problem.getDetail()).isEqualTo("rank must be >= 1");
    assertThat(problem.getInstance()).hasToString("/v1/x");
    assertThat(Problems.title(HttpStatus.CONTENT_TOO_LARGE)).isEqualTo("Request too large");
    assertThat(Problems.title(HttpStatus.I_AM_A_TEAPOT)).isEqualTo("I'm a teapot");
  }

  @Test
  void shouldCutAHugeDetailAndNeverEchoAHostilePath() {
    String huge = "x".repeat(5_000_000);
    ProblemDetail problem =
        Problems.of(HttpStatus.BAD_REQUEST, huge, "/v1/" + "a b<script>".repeat(100));

    assertThat(problem.getDetail()).hasSizeLessThan(Problems.MAX_DETAIL_CHARS + 60);
    assertThat(problem.getDetail()).endsWith("(4999000 more characters cut)");
    assertThat(problem.getInstance().toString())
        .hasSizeLessThanOrEqualTo(600)
        .doesNotContain("<", " ");
  }
}
