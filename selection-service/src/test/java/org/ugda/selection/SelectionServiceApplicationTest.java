package org.ugda.selection;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.ugda.testsupport.ServiceEndpointsContract;

/**
 * Starts the service through its {@code main} (so with {@code selection-service.yml}) on a random
 * port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class SelectionServiceApplicationTest extends ServiceEndpointsContract {

  SelectionServiceApplicationTest(@LocalServerPort int port) {
    super(port);
  }
}
