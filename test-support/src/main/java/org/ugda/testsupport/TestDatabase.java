package org.ugda.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real PostgreSQL database for tests: one server per test JVM, started on first use.
 *
 * <p>The server is an embedded PostgreSQL 17 (zonky; about 2-3 s to start, stopped when the JVM
 * exits), or, when the environment variable {@code TEST_DB_URL} is set, the server it names (with
 * {@code TEST_DB_USER} and {@code TEST_DB_PASSWORD}), so that a developer can run the same tests
 * against a PostgreSQL of their own. There is no H2 and no mock: what a test sees is what
 * production runs on.
 *
 * <p>Typical use in a Spring Boot test:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void database(DynamicPropertyRegistry registry) {
 *     TestDatabase.shared().register(registry);   // spring.datasource.url/username/password
 * }
 * }</pre>
 *
 * {@link #shared()} is the server's default database, which every test class of the JVM sees; a
 * test that needs a database of its own (a restart test, a test that counts rows) takes {@link
 * #fresh()} instead, once per class.
 *
 * @param url the JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/postgres?user=postgres}
 * @param username the user to connect as
 * @param password the password; empty for the embedded server
 */
public record TestDatabase(String url, String username, String password) {

  public TestDatabase {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The default database of this JVM's server (started on first call). */
  public static TestDatabase shared() {
    return TestPostgresServer.get().defaultDatabase();
  }

  /**
   * A new, empty database on this JVM's server ({@code CREATE DATABASE}; the user of {@code
   * TEST_DB_URL} needs the CREATEDB privilege). Databases made on an external server are dropped
   * when the JVM exits.
   */
  public static TestDatabase fresh() {
    return TestPostgresServer.get()
        .createDatabase(
            "ugda_test_"
                + UUID.randomUUID()
                    .toString()
                    .replace("-", "")
                    .substring(0, 12)
                    .toLowerCase(Locale.ROOT));
  }

  /**
   * Points a Spring context at this database: sets {@code spring.datasource.url}, {@code
   * spring.datasource.username}, {@code spring.datasource.password}, and a short pool timeout.
   */
  public void register(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", this::url);
    registry.add("spring.datasource.username", this::username);
    registry.add("spring.datasource.password", this::password);
    // the JVM's shutdown hooks stop the server while Spring's cached contexts still close; their
    // last writes then fail in seconds instead of holding the JVM for a 30 s pool timeout
    registry.add("ugda.database.connection-timeout", () -> "3s");
  }

  /** Opens a plain JDBC connection (the caller closes it). */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  /** Runs one SQL statement, e.g. to inspect or age rows in a test; returns the update count. */
  public int execute(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
      return statement.getUpdateCount();
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + url + ": " + sql, e);
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "TestDatabase[url=" + url + ", username=" + username + "]";
  }
}
