package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The judge's client against a real {@code transformers serve} (transformers 5.x with fastapi,
 * uvicorn and openai) serving a tiny random Llama with a chat template ({@code
 * tools/tiny_chat_model.py}): a request for another model is refused with the server's own words
 * and stops the job as misconfigured; with {@code token-limit-field: max_tokens} the server takes
 * the cap (its log does not list the field as ignored), with {@code max_completion_tokens} it
 * ignores it. Needs {@code UGDA_TRL_PYTHON}, a Python with those packages and the {@code
 * transformers} command beside it; skipped, and says so, without one (the default CI run).
 */
class TransformersServeJudgeTest {
  private static Process server;
  private static Path log;
  private static Path model;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    String python = System.getenv("UGDA_TRL_PYTHON");
    Assumptions.assumeTrue(
        python != null && Files.isExecutable(Path.of(python)),
        "UGDA_TRL_PYTHON names no Python with transformers serve; skipped");
    Path cli = Path.of(python).resolveSibling("transformers");
    Assumptions.assumeTrue(Files.isExecutable(cli), "no transformers command beside " + python);
    model = Files.createTempDirectory("ugda-tiny-chat");
    Process make =
        new ProcessBuilder(
                python,
                Path.of("..", "tools", "tiny_chat_model.py")
                    .toAbsolutePath()
                    .normalize()
                    .toString(),
                model.toString())
            .redirectErrorStream(true)
            .start();
    String made = new String(make.getInputStream().readAllBytes());
    assertThat(make.waitFor()).as(made).isZero();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    log = Files.createTempFile("ugda-transformers-serve", ".log");
    server =
        new ProcessBuilder(
                cli.toString(), "serve", model.toString(), "--port", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() > 0) {
          break;
        }
      } catch (IOException notYet) {
        assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(end);
        Thread.sleep(500);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.destroy();
    }
  }

  private static OpenAiChat chat(String modelName, String field) {
    JudgeProperties p =
        new JudgeProperties(
            URI.create("http://localhost:" + port + "/v1"),
            modelName,
            "UNUSED",
            null,
            Duration.ofSeconds(60),
            16,
            field,
            false,
            new JudgeProperties.Retry(
                1,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60)),
            new JudgeProperties.Limits(1, 0),
            new JudgeProperties.Breaker(100, Duration.ofSeconds(1)),
            new JudgeProperties.Pricing(0, 0),
            Duration.ofSeconds(30));
    return new OpenAiChat(p, ApiKey.resolve(null, "KEY", name -> "sk-local"), Rubric.V1);
  }

  @Test
  void anotherModelIsRefusedInTheServersWordsAndIsMisconfigured() {
    try (OpenAiChat c = chat("gpt-4o-mini", "max_tokens")) {
      assertThatThrownBy(() -> c.complete("what is 7 plus 5 ?", "12 ."))
          .isInstanceOfSatisfying(
              CallFailure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(CallFailure.Kind.MISCONFIGURED);
                assertThat(f.getMessage()).contains("HTTP 400", "pinned to", "gpt-4o-mini");
              });
    }
  }

  @Test
  void theServerTakesTheCapFromMaxTokensAndIgnoresMaxCompletionTokens() throws Exception {
    try (OpenAiChat c = chat(model.toString(), "max_tokens")) {
      Completion done = c.complete("what is 7 plus 5 ?", "12 .");
      assertThat(done.completionTokens()).isBetween(0L, 16L);
    }
    assertThat(Files.readString(log)).doesNotContain("max_tokens'}");
    try (OpenAiChat c = chat(model.toString(), "max_completion_tokens")) {
      c.complete("what is 7 plus 5 ?", "12 .");
    }
    assertThat(Files.readString(log))
        .contains("Ignoring unsupported fields in the request")
        .contains("max_completion_tokens");
  }
}
