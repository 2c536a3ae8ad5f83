package org.ugda.reward.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.testsupport.TestDatabase;

/**
 * The service under test for a whole test class, as a static {@code @RegisterExtension} field: it
 * starts (see {@link RewardApp}) before the class's {@code @BeforeAll} methods and closes after its
 * {@code @AfterAll} ones.
 */
public final class RewardServer implements BeforeAllCallback, AfterAllCallback {
  private final TestDatabase db;
  private final String[] args;
  private ConfigurableApplicationContext app;
  private final Http http = new Http(() -> RewardApp.port(app));

  /** On {@code db} and the test world's storage root, with {@code args} added. */
  public RewardServer(TestDatabase db, String... args) {
    this.db = db;
    this.args = args;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    app = RewardApp.start(db, args);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    app.close();
  }

  /** The port the service listens on, once it has started. */
  public int port() {
    return RewardApp.port(app);
  }

  /** A client for the service; usable once it has started. */
  public Http http() {
    return http;
  }
}
