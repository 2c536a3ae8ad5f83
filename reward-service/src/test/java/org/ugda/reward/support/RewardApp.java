package org.ugda.reward.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.reward.RewardServiceApplication;
import org.ugda.testsupport.TestDatabase;

/**
 * Starts reward-service for a test on a random port, on a test database, on the CPU. Settings are
 * command-line arguments: they win over reward-service.yml (builder properties would not).
 */
public final class RewardApp {
  private RewardApp() {}

  /** The service on {@code db} with the test world's storage root, and {@code more} arguments. */
  public static ConfigurableApplicationContext start(TestDatabase db, String... more) {
    return start(db, TestWorld.root(), more);
  }

  /** The service on {@code db} with {@code storage} as its storage root. */
  public static ConfigurableApplicationContext start(
      TestDatabase db, Path storage, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--ugda.reward.storage-root=" + storage,
                "--ugda.device=cpu"));
    args.addAll(List.of(more));
    return RewardServiceApplication.application().run(args.toArray(String[]::new));
  }

  /** A client for the running service. */
  public static Http http(ConfigurableApplicationContext app) {
    return new Http(port(app));
  }

  /** The port the running service listens on. */
  public static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }
}
