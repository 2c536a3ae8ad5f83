package org.ugda.policy;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.ugda.testsupport.ServiceEndpointsContract;

/**
 * Starts the service through its {@code main} (so with {@code policy-service.yml}) on a random
 * port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class PolicyServiceApplicationTest extends ServiceEndpointsContract {

  PolicyServiceApplicationTest(@LocalServerPort int port) {
    super(port);
  }
}
