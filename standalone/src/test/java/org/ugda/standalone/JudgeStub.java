package org.ugda.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} on the loopback interface standing in for
 * the LLM judge (no model can be reached from these machines): it answers the rubric's JSON with a
 * score that is a fixed function of the user message (1 + its hash mod 5), so the same answer
 * always gets the same score.
 */
final class JudgeStub implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  private JudgeStub(HttpServer server) {
    this.server = server;
  }

  static JudgeStub start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    JudgeStub stub = new JudgeStub(server);
    server.createContext("/v1/chat/completions", stub::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
    return stub;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int requests() {
    return requests.get();
  }

  /** The score the stub gives the user message {@code item}. */
  static int score(String item) {
    return 1 + Math.floorMod(item.hashCode(), 5);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      requests.incrementAndGet();
      JsonNode request = JSON.readTree(x.getRequestBody().readAllBytes());
      String item = "";
      for (JsonNode m : request.path("messages")) {
        if (m.path("role").asString().equals("user")) {
          item = m.path("content").asString();
        }
      }
      ObjectNode message =
          JSON.createObjectNode()
              .put("role", "assistant")
              .put("content", "{\"score\": " + score(item) + ", \"reason\": \"stub\"}");
      message.putNull("refusal");
      ObjectNode completion =
          JSON.createObjectNode()
              .put("id", "chatcmpl-judge-stub")
              .put("object", "chat.completion")
              .put("created", System.currentTimeMillis() / 1000)
              .put("model", request.path("model").asString());
      completion
          .putArray("choices")
          .addObject()
          .put("index", 0)
          .put("finish_reason", "stop")
          .set("message", message);
      completion
          .putObject("usage")
          .put("prompt_tokens", 10)
          .put("completion_tokens", 5)
          .put("total_tokens", 15);
      byte[] body = completion.toString().getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
