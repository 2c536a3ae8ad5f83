package org.ugda.relabel.judge;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One request to an OpenAI-compatible {@code /chat/completions} through the official {@code
 * openai-java} client, with the client's own retries off (the {@link ResilientJudge} retries, so
 * that every attempt is counted, limited and seen by the circuit breaker). Failures come back as a
 * classified {@link CallFailure} whose message never holds the key.
 */
final class OpenAiChat implements AutoCloseable {

  private final OpenAIClient client;
  private final JudgeProperties properties;
  private final Rubric rubric;
  private final ApiKey key;

  OpenAiChat(JudgeProperties properties, ApiKey key, Rubric rubric) {
    this.properties = properties;
    this.rubric = rubric;
    this.key = key;
    Timeout timeout =
        Timeout.builder()
            .request(properties.requestTimeout())
            .read(properties.requestTimeout())
            .connect(min(properties.requestTimeout(), Duration.ofSeconds(10)))
            .build();
    // the OkHttp client openai-java's own builder would make, wrapped so that FastAPI-style error
    // bodies keep their words (DetailErrorBodies)
    this.client =
        new OpenAIClientImpl(
            ClientOptions.builder()
                .httpClient(new DetailErrorBodies(OkHttpClient.builder().timeout(timeout).build()))
                .baseUrl(properties.baseUrl().toString())
                .apiKey(
                    key.value()
                        .orElseThrow(
                            () -> new IllegalStateException("no API key: " + key.source())))
                .maxRetries(0)
                .timeout(timeout)
                .build());
  }

  Completion complete(String prompt, String response) throws CallFailure {
    ChatCompletionCreateParams.Builder params =
        ChatCompletionCreateParams.builder()
            .model(properties.model())
            .addSystemMessage(rubric.instructions())
            .addUserMessage(rubric.userMessage(prompt, response))
            .temperature(0.0);
    // which field carries the cap depends on the server (ugda.relabel.judge.token-limit-field)
    switch (properties.tokenLimitField()) {
      case "max_tokens" -> params.maxTokens(properties.maxOutputTokens());
      case "both" ->
          params
              .maxCompletionTokens(properties.maxOutputTokens())
              .maxTokens(properties.maxOutputTokens());
      default -> params.maxCompletionTokens(properties.maxOutputTokens());
    }
    if (properties.jsonMode()) {
      params.responseFormat(ResponseFormatJsonObject.builder().build());
    }
    try {
      ChatCompletion completion = client.chat().completions().create(params.build());
      long promptTokens = completion.usage().map(usage -> usage.promptTokens()).orElse(0L);
      long completionTokens = completion.usage().map(usage -> usage.completionTokens()).orElse(0L);
      if (completion.choices().isEmpty()) {
        return new Completion(null, null, promptTokens, completionTokens);
      }
      var message = completion.choices().get(0).message();
      return new Completion(
          message.content().orElse(null),
          message.refusal().orElse(null),
          promptTokens,
          completionTokens);
    } catch (OpenAIServiceException e) {
      throw classify(e);
    } catch (OpenAIIoException e) {
      throw new CallFailure(
          CallFailure.Kind.TRANSIENT,
          "no answer from the LLM provider (" + rootCause(e) + ")",
          Optional.empty());
    } catch (OpenAIException e) {
      // an answer whose body the client could not read: treat like a transient server fault
      throw new CallFailure(
          CallFailure.Kind.TRANSIENT,
          "unreadable answer from the LLM provider (" + e.getClass().getSimpleName() + ")",
          Optional.empty());
    }
  }

  private CallFailure classify(OpenAIServiceException e) {
    int status = e.statusCode();
    Optional<Duration> retryAfter =
        RetryPolicy.parseRetryAfter(
            e.headers().values("retry-after"), e.headers().values("retry-after-ms"), Instant.now());
    String detail = Texts.clean(errorMessage(e.body()));
    CallFailure.Kind kind;
    if (status == 429) {
      kind = CallFailure.Kind.RATE_LIMITED;
    } else if (status == 408 || status >= 500) {
      kind = CallFailure.Kind.TRANSIENT;
    } else if (status == 401 || status == 403 || status == 404) {
      kind = CallFailure.Kind.MISCONFIGURED;
    } else if (namesTheModel(detail)) {
      // a server that answers an unknown or unserved model with a 400 (transformers serve:
      // "Server is pinned to '...'; requested '...'") is misconfigured, as OpenAI's 404 says: every
      // item would fail the same way, so the job stops instead of failing item by item
      kind = CallFailure.Kind.MISCONFIGURED;
    } else {
      kind = CallFailure.Kind.REJECTED;
    }
    return new CallFailure(
        kind,
        "HTTP "
            + status
            + " from the LLM provider"
            + (detail.isBlank() ? "" : ": " + key.redact(truncate(detail))),
        retryAfter);
  }

  /** Whether an error's words are about the model asked for (unknown, not served, pinned). */
  static boolean namesTheModel(String detail) {
    String d = detail.toLowerCase(java.util.Locale.ROOT);
    return d.contains("pinned to")
        || d.contains("model")
            && (d.contains("not found")
                || d.contains("does not exist")
                || d.contains("unknown")
                || d.contains("not served")
                || d.contains("not available")
                || d.contains("no such"));
  }

  /**
   * The {@code message} of an error body, whether or not it is wrapped in {@code {"error": ...}}.
   */
  @SuppressWarnings("unchecked")
  private static String errorMessage(JsonValue body) {
    Optional<Map<String, JsonValue>> object =
        (Optional<Map<String, JsonValue>>) (Optional<?>) body.asObject();
    if (object.isEmpty()) {
      return "";
    }
    JsonValue message = object.get().get("message");
    if (message == null && object.get().get("error") != null) {
      return errorMessage(object.get().get("error"));
    }
    return message == null ? "" : ((Optional<String>) (Optional<?>) message.asString()).orElse("");
  }

  private String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message =
        cause.getMessage() == null ? "" : ": " + key.redact(truncate(cause.getMessage()));
    return cause.getClass().getSimpleName() + message;
  }

  private static String truncate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    client.close();
  }
}
