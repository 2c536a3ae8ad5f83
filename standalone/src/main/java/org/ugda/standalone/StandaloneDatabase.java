package org.ugda.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The one PostgreSQL every service of the standalone JVM uses, each in its own schema: the server
 * named by {@code spring.datasource.url} (command line, system property or environment), or else an
 * embedded PostgreSQL 17 whose data directory persists under {@code ugda.standalone.data-dir}
 * (default {@code ./ugda-storage/postgres}), so a restart keeps what was stored.
 */
final class StandaloneDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StandaloneDatabase.class);

  private final String url;
  private final String username;
  private final String password;
  private final EmbeddedPostgres embedded;

  private StandaloneDatabase(
      String url, String username, String password, EmbeddedPostgres embedded) {
    this.url = url;
    this.username = username;
    this.password = password;
    this.embedded = embedded;
  }

  static StandaloneDatabase start(String... args) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    String url = env.getProperty("spring.datasource.url");
    if (url != null && !url.isBlank()) {
      return new StandaloneDatabase(
          url,
          env.getProperty("spring.datasource.username", ""),
          env.getProperty("spring.datasource.password", ""),
          null);
    }
    Path dir =
        Path.of(env.getProperty("ugda.standalone.data-dir", "ugda-storage/postgres"))
            .toAbsolutePath();
    try {
      Files.createDirectories(dir.getParent());
      // no shutdown hook of its own: the standalone's hook stops it after every context has
      // closed (a hook of its own would run alongside and stop it while they still write)
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .start();
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      log.info("embedded PostgreSQL at {} (data in {})", jdbc, dir);
      return new StandaloneDatabase(jdbc, "postgres", "", pg);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The {@code spring.datasource.*} properties a service context gets. */
  Map<String, Object> properties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.datasource.url", url);
    p.put("spring.datasource.username", username);
    p.put("spring.datasource.password", password);
    return p;
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }
}
