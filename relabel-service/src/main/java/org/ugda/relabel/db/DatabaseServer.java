package org.ugda.relabel.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the service talks to: a configured one, or, for the quick start only, an
 * embedded one that this object starts and stops.
 *
 * <p>The standalone launcher hands the service its shared database, so this fallback is taken only
 * when relabel-service runs alone with no {@code spring.datasource.url}. The embedded server
 * registers no shutdown hook of its own: the context closes it as a bean, after the beans that use
 * it (a hook of its own would stop it alongside the context's, while jobs are still being marked
 * interrupted).
 */
final class DatabaseServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

  private final String url;
  private final String username;
  private final String password;
  private final EmbeddedPostgres embedded;

  private DatabaseServer(String url, String username, String password, EmbeddedPostgres embedded) {
    this.url = url;
    this.username = username;
    this.password = password;
    this.embedded = embedded;
  }

  static DatabaseServer of(RelabelDatabaseProperties properties) {
    if (!properties.embedded()) {
      return new DatabaseServer(
          properties.url(), properties.username(), properties.password(), null);
    }
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
      if (properties.embeddedDataDirectory() != null) {
        builder.setDataDirectory(properties.embeddedDataDirectory()).setCleanDataDirectory(false);
      }
      EmbeddedPostgres postgres = builder.start();
      log.warn(
          "No spring.datasource.url configured: started an embedded PostgreSQL on port {} for a quick "
              + "start ({}). Configure a real server for anything that must last.",
          postgres.getPort(),
          properties.embeddedDataDirectory() == null
              ? "data is deleted on exit"
              : "data in " + properties.embeddedDataDirectory());
      return new DatabaseServer(
          postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", postgres);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "No spring.datasource.url is configured and the quick-start embedded "
              + "PostgreSQL could not start; set spring.datasource.url (SPRING_DATASOURCE_URL)",
          e);
    }
  }

  String url() {
    return url;
  }

  String username() {
    return username;
  }

  String password() {
    return password;
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
