package org.ugda.reward;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ugda.testsupport.ServiceEndpointsContract;
import org.ugda.testsupport.TestDatabase;

/**
 * Starts the service through its {@code main} (so with {@code reward-service.yml}) on a random
 * port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class RewardServiceApplicationTest extends ServiceEndpointsContract {

  @TempDir static Path storage;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase.fresh().register(registry);
    registry.add("ugda.reward.storage-root", storage::toString);
    registry.add("ugda.device", () -> "cpu");
  }

  RewardServiceApplicationTest(@LocalServerPort int port) {
    super(port);
  }

  @Override
  protected List<String> apiPaths() {
    return List.of(
        "/v1/ensembles/{id}/score",
        "/v1/ensembles/{id}/train",
        "/v1/ensembles/{id}/refine",
        "/v1/ensembles/{id}/evaluate",
        "/v1/jobs/{jobId}/resume",
        "/v1/datasets");
  }
}
