package org.ugda.relabel;

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
 * Starts the service through its {@code main} (so with {@code relabel-service.yml}) on a random
 * port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class RelabelServiceApplicationTest extends ServiceEndpointsContract {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().register(registry);
  }

  RelabelServiceApplicationTest(@LocalServerPort int port) {
    super(port);
  }

  @Override
  protected List<String> apiPaths() {
    return List.of(
        "/v1/relabel/jobs",
        "/v1/relabel/tasks/claim",
        "/v1/relabel/labels/{labelId}/corrections",
        "/v1/relabel/agreement");
  }
}
