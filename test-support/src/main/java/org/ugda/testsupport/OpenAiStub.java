package org.ugda.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} on the loopback interface (JDK {@link
 * HttpServer}), scripted per item: an item's response text carries a directive {@code
 * #stub:<behaviour>:<score>}, and the stub counts every request per item (its user message), so
 * tests can tell how often each item was asked about and paid for.
 *
 * <p>Behaviours: {@code ok} (answer the score), {@code rate-limit-once} (429 with {@code
 * Retry-After: 1}, then ok), {@code unavailable-once} (503 with {@code Retry-After: 1}, then ok),
 * {@code error-twice} (500, 500, then ok), {@code slow-once} (first answer after {@link
 * #SLOW_MILLIS}, past the client's timeout, then ok), {@code malformed} (prose instead of JSON),
 * {@code out-of-range} (score 7), {@code always-500}, {@code bad-request} (400), {@code
 * unauthorized} (401 that echoes the bearer token, as real providers half do), {@code refusal} (no
 * content, a refusal). An item without a directive is answered with score 3.
 */
public final class OpenAiStub implements AutoCloseable {

  /** How long a {@code slow-once} item's first answer takes. */
  public static final int SLOW_MILLIS = 2500;

  private static final Pattern DIRECTIVE = Pattern.compile("#stub:([a-z0-9-]+)(?::(\\d+))?");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private record Directive(String behaviour, int score) {

    static Directive of(String item) {
      Matcher matcher = DIRECTIVE.matcher(item);
      if (!matcher.find()) {
        return new Directive("ok", 3);
      }
      return new Directive(
          matcher.group(1), matcher.group(2) == null ? 3 : Integer.parseInt(matcher.group(2)));
    }
  }

  /** One request the stub received. */
  public record Request(String item, int status, long startedNanos, String authorization) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile int delayMillis;
  private volatile String lastBody;

  private OpenAiStub(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a stub on a free loopback port. */
  public static OpenAiStub start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              runnable -> {
                Thread thread = new Thread(runnable, "openai-stub");
                thread.setDaemon(true);
                return thread;
              });
      OpenAiStub stub = new OpenAiStub(server, executor);
      server.createContext("/v1/chat/completions", stub::handle);
      server.setExecutor(executor);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the OpenAI stub", e);
    }
  }

  /** The base URL to configure, e.g. {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The chat-completions URL itself (for the benchmark's plain-HTTP baseline). */
  public URI completionsUri() {
    return URI.create(baseUrl() + "/chat/completions");
  }

  /** A fixed latency added to every answer (the benchmark's model time). */
  public void delay(int millis) {
    this.delayMillis = millis;
  }

  /** Requests about items whose text contains {@code marker}. */
  public List<Request> requests(String marker) {
    return requests.stream().filter(request -> request.item().contains(marker)).toList();
  }

  /**
   * Requests received (counted on arrival, so also those still being answered) about items
   * containing {@code marker}.
   */
  public int received(String marker) {
    return attempts.entrySet().stream()
        .filter(entry -> entry.getKey().contains(marker))
        .mapToInt(entry -> entry.getValue().get())
        .sum();
  }

  /** Requests answered with 200 (what a provider bills) about items containing {@code marker}. */
  public long answered(String marker) {
    return requests(marker).stream().filter(request -> request.status() == 200).count();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The most requests that were in flight at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** Waits (up to 10 s) until no request is being answered, e.g. one the client gave up on. */
  public void awaitIdle() {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The body of the last request, for checks of what the client sends. */
  public String lastBody() {
    return lastBody;
  }

  public void reset() {
    requests.clear();
    attempts.clear();
    maxInFlight.set(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    long started = System.nanoTime();
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      lastBody = body;
      JsonNode request = JSON.readTree(body);
      String item = userMessage(request);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Directive directive = Directive.of(item);
      String behaviour = directive.behaviour();
      int score = directive.score();
      int attempt = attempts.computeIfAbsent(item, key -> new AtomicInteger()).incrementAndGet();
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      Answer reply =
          switch (behaviour) {
            case "rate-limit-once" ->
                attempt == 1
                    ? error(
                        exchange,
                        429,
                        "Rate limit reached for requests",
                        Map.of("Retry-After", "1"))
                    : answer(exchange, request, score, attempt);
            case "unavailable-once" ->
                attempt == 1
                    ? error(
                        exchange,
                        503,
                        "The engine is currently overloaded",
                        Map.of("Retry-After", "1"))
                    : answer(exchange, request, score, attempt);
            case "error-twice" ->
                attempt <= 2
                    ? error(exchange, 500, "The server had an error", Map.of())
                    : answer(exchange, request, score, attempt);
            case "slow-once" -> {
              if (attempt == 1) {
                Thread.sleep(SLOW_MILLIS);
              }
              yield answer(exchange, request, score, attempt);
            }
            case "always-500" -> error(exchange, 500, "The server had an error", Map.of());
            case "bad-request" ->
                error(exchange, 400, "This model's maximum context length is exceeded", Map.of());
            case "unauthorized" ->
                error(
                    exchange,
                    401,
                    "Incorrect API key provided: "
                        + (authorization == null ? "none" : authorization.replace("Bearer ", "")),
                    Map.of());
            default -> answer(exchange, request, score, attempt);
          };
      // recorded before the answer leaves, so a client that has its answer also sees the record
      requests.add(new Request(item, reply.status(), started, authorization));
      send(exchange, reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(599, -1);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private record Answer(int status, String body, Map<String, String> headers) {}

  private Answer answer(HttpExchange exchange, JsonNode request, int score, int attempt) {
    String item = userMessage(request);
    String behaviour = Directive.of(item).behaviour();
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    switch (behaviour) {
      case "malformed" ->
          message.put("content", "I would rate this response a solid " + score + " out of 5.");
      case "out-of-range" ->
          message.put("content", "{\"score\": 7, \"reason\": \"better than perfect\"}");
      case "refusal" -> message.putNull("content").put("refusal", "I can't help with that.");
      default ->
          message.put(
              "content",
              "{\"score\": "
                  + score
                  + ", \"reason\": \"stub judgement on attempt "
                  + attempt
                  + "\"}");
    }
    if (!message.has("refusal")) {
      message.putNull("refusal");
    }
    ObjectNode completion =
        JSON.createObjectNode()
            .put("id", "chatcmpl-stub-" + attempt)
            .put("object", "chat.completion")
            .put("created", System.currentTimeMillis() / 1000)
            .put("model", request.path("model").asString());
    completion
        .putArray("choices")
        .addObject()
        .put("index", 0)
        .put("finish_reason", "stop")
        .set("message", message);
    int promptTokens = Math.max(1, item.length() / 4);
    completion
        .putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", 20)
        .put("total_tokens", promptTokens + 20);
    return new Answer(200, completion.toString(), Map.of());
  }

  private static Answer error(
      HttpExchange exchange, int status, String message, Map<String, String> headers) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", status == 429 ? "requests" : "server_error")
        .putNull("param")
        .put("code", status == 401 ? "invalid_api_key" : null);
    return new Answer(status, body.toString(), headers);
  }

  private static void send(HttpExchange exchange, Answer answer) {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    try {
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException clientGone) {
      // the client timed out and closed the connection; the answer was still produced
    }
  }

  private static String userMessage(JsonNode request) {
    List<String> users = new ArrayList<>();
    for (JsonNode message : request.path("messages")) {
      if ("user".equals(message.path("role").asString())) {
        users.add(message.path("content").asString());
      }
    }
    return String.join("\n", users);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
