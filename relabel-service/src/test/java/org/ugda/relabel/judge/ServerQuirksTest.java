package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What OpenAI-compatible servers other than OpenAI's need, played by a real local HTTP server: the
 * token cap in the field the server reads, FastAPI's {@code {"detail": ...}} error text (which
 * openai-java alone drops), a 400 about the model stopping the job as misconfigured, and reasons
 * and error texts without control characters. Not done here: runs against {@code transformers
 * serve} itself (a Python server with a model).
 */
class ServerQuirksTest {
  private static HttpServer server;
  private static final AtomicReference<String> lastBody = new AtomicReference<>();
  private static final AtomicReference<String[]> next = new AtomicReference<>();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          lastBody.set(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          String[] answer = next.get();
          byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static final String OK =
      "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":"
          + "\"{\\\"score\\\": 4, \\\"reason\\\": \\\"ok\\\"}\",\"refusal\":null}}],"
          + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}";

  private static OpenAiChat chat(String field) {
    JudgeProperties p =
        new JudgeProperties(
            URI.create("http://localhost:" + server.getAddress().getPort() + "/v1"),
            "gpt-4o-mini",
            "UNUSED",
            null,
            Duration.ofSeconds(5),
            300,
            field,
            true,
            new JudgeProperties.Retry(
                1,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5)),
            new JudgeProperties.Limits(1, 0),
            new JudgeProperties.Breaker(100, Duration.ofSeconds(1)),
            new JudgeProperties.Pricing(0, 0),
            Duration.ofSeconds(30));
    return new OpenAiChat(p, ApiKey.resolve(null, "KEY", name -> "sk-test-secret"), Rubric.V1);
  }

  @Test
  void theTokenCapGoesInTheFieldTheServerReads() throws Exception {
    next.set(new String[] {"200", OK});
    try (OpenAiChat c = chat("max_completion_tokens")) {
      c.complete("p", "r");
    }
    assertThat(lastBody.get())
        .contains("\"max_completion_tokens\":300")
        .doesNotContain("\"max_tokens\"");
    try (OpenAiChat c = chat("max_tokens")) {
      c.complete("p", "r");
    }
    assertThat(lastBody.get())
        .contains("\"max_tokens\":300")
        .doesNotContain("max_completion_tokens");
    try (OpenAiChat c = chat("both")) {
      c.complete("p", "r");
    }
    assertThat(lastBody.get()).contains("\"max_tokens\":300", "\"max_completion_tokens\":300");
  }

  @Test
  void aFastApiDetailIsTheErrorTextAndAModelMismatchIsMisconfigured() {
    next.set(
        new String[] {
          "400", "{\"detail\": \"Server is pinned to 'tiny-llama'; requested 'gpt-4o-mini'.\"}"
        });
    try (OpenAiChat c = chat("max_tokens")) {
      assertThatThrownBy(() -> c.complete("p", "r"))
          .isInstanceOfSatisfying(
              CallFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(CallFailure.Kind.MISCONFIGURED);
                assertThat(f.getMessage())
                    .contains(
                        "HTTP 400", "Server is pinned to 'tiny-llama'; requested 'gpt-4o-mini'.");
              });
    }
  }

  @Test
  void aValidationDetailListIsReadAndOtherBadRequestsStayPerItem() {
    next.set(
        new String[] {
          "422", "{\"detail\": [{\"loc\": [\"body\"], \"msg\": \"field required\\u001b[31m\\n\"}]}"
        });
    try (OpenAiChat c = chat("max_tokens")) {
      assertThatThrownBy(() -> c.complete("p", "r"))
          .isInstanceOfSatisfying(
              CallFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(CallFailure.Kind.REJECTED);
                assertThat(f.getMessage())
                    .contains("field required")
                    .doesNotContain("\u001b", "\n");
              });
    }
  }

  @Test
  void anErrorTextIsOnePlainLine() {
    next.set(
        new String[] {
          "400",
          "{\"error\": {\"message\": \"bad\\u001b[31m\\nrequest\", \"type\": \"invalid_request_error\"}}"
        });
    try (OpenAiChat c = chat("max_tokens")) {
      assertThatThrownBy(() -> c.complete("p", "r"))
          .isInstanceOfSatisfying(
              CallFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(CallFailure.Kind.REJECTED);
                assertThat(f.getMessage())
                    .contains("bad [31m request")
                    .doesNotContain("\u001b", "\n");
              });
    }
  }

  @Test
  void aReasonIsStoredAsOnePlainLine() {
    Verdict v =
        new AnswerParser()
            .parse("{\"score\": 4, \"reason\": \"good\\u001b[2J\\u0000 and\\n\\tclear\\u202e \"}");
    assertThat(v).isEqualTo(new Verdict.Scored(4, "good [2J and clear"));
  }
}
