package org.ugda.relabel.judge;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * openai-java reads an error's text only from {@code {"error": {"message": ...}}}; FastAPI-style
 * servers ({@code transformers serve}, many proxies) answer {@code {"detail": "..."}} or {@code
 * {"detail": [{"msg": "..."}]}}, and their words were lost ("HTTP 400 from the LLM provider"). This
 * client, around the real one, rewrites such an error body into OpenAI's shape before openai-java
 * reads it; every other answer passes untouched.
 */
final class DetailErrorBodies implements HttpClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final HttpClient inner;

  DetailErrorBodies(HttpClient inner) {
    this.inner = inner;
  }

  @Override
  public HttpResponse execute(HttpRequest request, RequestOptions options) {
    return rewrite(inner.execute(request, options));
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
    return inner.executeAsync(request, options).thenApply(DetailErrorBodies::rewrite);
  }

  @Override
  public void close() {
    inner.close();
  }

  static HttpResponse rewrite(HttpResponse r) {
    if (r.statusCode() < 400) {
      return r;
    }
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      r.close();
    }
    byte[] out = body;
    String detail = detail(body);
    if (detail != null) {
      ObjectNode error = JSON.createObjectNode();
      error.putObject("error").put("message", detail).put("type", "detail");
      out = JSON.writeValueAsBytes(error);
    }
    byte[] answer = out;
    int status = r.statusCode();
    Headers headers = r.headers();
    return new HttpResponse() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public Headers headers() {
        return headers;
      }

      @Override
      public InputStream body() {
        return new ByteArrayInputStream(answer);
      }

      @Override
      public void close() {}
    };
  }

  /** The text of a FastAPI {@code detail}, or null where the body is not such an error. */
  static String detail(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (RuntimeException notJson) {
      return null;
    }
    if (root == null || !root.isObject() || root.has("error") || !root.has("detail")) {
      return null;
    }
    JsonNode d = root.get("detail");
    if (d.isString()) {
      return d.asString();
    }
    if (d.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode v : d) {
        if (v.isObject() && v.has("msg") && v.get("msg").isString()) {
          parts.add(v.get("msg").asString());
        } else if (v.isString()) {
          parts.add(v.asString());
        }
      }
      return String.join("; ", parts);
    }
    return d.toString();
  }
}
