package org.ugda.selection;

import java.util.List;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.testsupport.ServiceEndpointsContract;
import org.ugda.testsupport.TestDatabase;

/**
 * Starts the service through its {@code main} (so with {@code selection-service.yml}) on a random
 * port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class SelectionServiceApplicationTest extends ServiceEndpointsContract {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
    registry.add("ugda.selection.storage-root", () -> "target/test-storage");
  }

  SelectionServiceApplicationTest(@LocalServerPort int port) {
    super(port);
  }

  @Override
  protected List<String> apiPaths() {
    return List.of(
        "/v1/selections",
        "/v1/selections/{jobId}",
        "/v1/selections/{jobId}/samples",
        "/v1/selections/{jobId}/samples/{rolloutId}/explain",
        "/v1/selections/{jobId}/export");
  }
}
