package org.ugda.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP against a service under test, with JSON bodies and the status kept; services' test
 * support adds their own calls in a subclass.
 */
public class Http {
  public static final JsonMapper JSON = JsonMapper.builder().build();

  private final IntSupplier port;
  private final String bearer;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public Http(int port) {
    this(() -> port);
  }

  /** A client for a service whose port is known only once it runs: asked at each request. */
  public Http(IntSupplier port) {
    this(port, null);
  }

  private Http(IntSupplier port, String bearer) {
    this.port = port;
    this.bearer = bearer;
  }

  /** The same client sending {@code Authorization: Bearer <token>} (the gateway's API keys). */
  public Http withKey(String token) {
    return new Http(port, token);
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port.getAsInt() + path);
  }

  /** A response: status, content type, raw body, headers and the body as JSON. */
  public record Response(
      int status, String contentType, String body, byte[] bytes, HttpHeaders headers) {
    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response post(String path, Object body) {
    return post(path, body instanceof String s ? s : JSON.writeValueAsString(body), null);
  }

  public Response post(String path, String json, String idempotencyKey) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  public Response postMultipart(String path, String fileName, byte[] content) {
    String boundary = "----ugda" + System.nanoTime();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes();
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
    byte[] all = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(content, 0, all, head.length, content.length);
    System.arraycopy(tail, 0, all, head.length + content.length, tail.length);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(all)));
  }

  private Response send(HttpRequest.Builder b) {
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<byte[]> r =
          client.send(
              b.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
      String ct = r.headers().firstValue("Content-Type").orElse("");
      return new Response(r.statusCode(), ct, new String(r.body()), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Polls {@code path} (a job resource) until its {@code state} leaves QUEUED and RUNNING, or the
   * timeout passes; returns its last JSON.
   */
  public JsonNode awaitState(String path, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode j = get(path).json();
    while (System.nanoTime() < end) {
      j = get(path).json();
      String state = j.get("state").asString();
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        return j;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return j;
  }
}
