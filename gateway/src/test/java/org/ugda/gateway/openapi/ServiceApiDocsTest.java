package org.ugda.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** {@link ServiceApiDocs} on its own: many callers at once, a service that refuses at once. */
class ServiceApiDocsTest {

  @Test
  void shouldAnswerEveryConcurrentCallerWhenAServiceRefusesAtOnce() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ServiceApiDocs docs =
        new ServiceApiDocs(
            Map.of("relabel", URI.create("http://127.0.0.1:" + port)),
            new ApiDocsProperties(Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO),
            JsonMapper.builder().build(),
            Clock.systemUTC());
    docs.prefetch();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Map<String, ServiceApiDocs.Fetched>>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(pool.submit(() -> docs.all(List.of("relabel", "reward"))));
      }
      for (Future<Map<String, ServiceApiDocs.Fetched>> call : calls) {
        Map<String, ServiceApiDocs.Fetched> fetched = call.get();
        assertThat(fetched).containsOnlyKeys("relabel");
        assertThat(fetched.get("relabel").available()).isFalse();
        assertThat(fetched.get("relabel").problem()).contains("not reachable");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
