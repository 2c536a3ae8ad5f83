package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CLI's gateway client waits out the key's rate limit instead of failing a long run. */
class DemoClientTest {
  @Test
  void a429IsWaitedOutAsTheGatewaySaysAndOtherErrorsStop() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/runs/limited",
        x -> {
          boolean limited = calls.incrementAndGet() <= 2;
          byte[] body =
              (limited ? "{\"status\":429}" : "{\"id\":\"r1\"}").getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().add("Retry-After", calls.get() == 1 ? "1" : "not a number");
          x.sendResponseHeaders(limited ? 429 : 200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.createContext(
        "/api/runs/broken",
        x -> {
          byte[] body = "{\"detail\":\"no\"}".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(400, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    try {
      Demo.Client c =
          new Demo.Client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "k");
      long t0 = System.nanoTime();
      assertThat(c.get("/api/runs/limited").get("id").asString()).isEqualTo("r1");
      assertThat(calls.get()).isEqualTo(3);
      // 1 s as asked, then 5 s where Retry-After was not a number of seconds
      assertThat((System.nanoTime() - t0) / 1e9).isGreaterThan(5.5);
      assertThatThrownBy(() -> c.get("/api/runs/broken")).hasMessageContaining("400");
    } finally {
      server.stop(0);
    }
  }
}
