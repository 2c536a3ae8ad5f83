package org.ugda.testsupport;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ugda.support.database.EmbeddedPostgresServer;

/**
 * The one PostgreSQL server of a test JVM: the external server named by {@code TEST_DB_URL}, or an
 * embedded one started on first use and stopped by a shutdown hook.
 */
final class TestPostgresServer {

  static final String URL_VARIABLE = "TEST_DB_URL";
  static final String USER_VARIABLE = "TEST_DB_USER";
  static final String PASSWORD_VARIABLE = "TEST_DB_PASSWORD";

  private static TestPostgresServer instance;

  private final TestDatabase defaultDatabase;
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final boolean external;

  private TestPostgresServer(TestDatabase defaultDatabase, boolean external) {
    this.defaultDatabase = defaultDatabase;
    this.external = external;
  }

  static synchronized TestPostgresServer get() {
    if (instance == null) {
      String url = System.getenv(URL_VARIABLE);
      instance = url == null || url.isBlank() ? embedded() : external(url);
    }
    return instance;
  }

  TestDatabase defaultDatabase() {
    return defaultDatabase;
  }

  TestDatabase createDatabase(String name) {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException(
          "database name must be lower-case letters, digits and _: " + name);
    }
    try (Connection connection = defaultDatabase.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create test database "
              + name
              + " on "
              + defaultDatabase.url()
              + (external
                  ? " (the user of " + URL_VARIABLE + " needs the CREATEDB privilege)"
                  : ""),
          e);
    }
    created.add(name);
    return new TestDatabase(
        withDatabase(defaultDatabase.url(), name),
        defaultDatabase.username(),
        defaultDatabase.password());
  }

  private static TestPostgresServer embedded() {
    // the JVM's one embedded server (service-support), leased for the whole test JVM
    EmbeddedPostgresServer.Lease lease = EmbeddedPostgresServer.acquire(null);
    Runtime.getRuntime().addShutdownHook(new Thread(lease::close, "test-postgres-stop"));
    return new TestPostgresServer(
        new TestDatabase(lease.url(), lease.username(), lease.password()), false);
  }

  private static TestPostgresServer external(String url) {
    String user = System.getenv().getOrDefault(USER_VARIABLE, "postgres");
    String password = System.getenv().getOrDefault(PASSWORD_VARIABLE, "");
    TestPostgresServer server = new TestPostgresServer(new TestDatabase(url, user, password), true);
    Runtime.getRuntime().addShutdownHook(new Thread(server::dropCreated, "test-postgres-cleanup"));
    return server;
  }

  private void dropCreated() {
    try (Connection connection =
            DriverManager.getConnection(
                defaultDatabase.url(), defaultDatabase.username(), defaultDatabase.password());
        Statement statement = connection.createStatement()) {
      for (String name : created) {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      System.err.println(
          "test-support: could not drop test databases " + created + ": " + e.getMessage());
    }
  }

  /** Replaces the database name in a {@code jdbc:postgresql://host:port/db?params} URL. */
  static String withDatabase(String jdbcUrl, String database) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          URL_VARIABLE + " must be a jdbc:postgresql: URL, was " + jdbcUrl);
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String authority = uri.getRawAuthority() == null ? "" : "//" + uri.getRawAuthority();
    return "jdbc:" + uri.getScheme() + ":" + authority + "/" + database + query;
  }
}
