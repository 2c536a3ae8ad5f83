package org.ugda.relabel.db;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the relabel service keeps its {@code relabel} schema.
 *
 * <p>{@code relabel-service.yml} fills url/username/password from the standard {@code
 * spring.datasource.*} names (so {@code SPRING_DATASOURCE_URL} in Kubernetes, or a shared database
 * that the standalone launcher hands every service, just work). The password, like the LLM key,
 * belongs in the environment or a mounted Secret, not in a file in the image.
 *
 * @param url JDBC URL of a PostgreSQL server; empty means "quick start": the service starts an
 *     embedded PostgreSQL of its own (data lost on exit unless {@code embeddedDataDirectory} is
 *     set)
 * @param username database user
 * @param password database password
 * @param maxPoolSize connections in the pool (default 10); each running relabel worker holds one
 *     only for single short statements
 * @param connectionTimeout how long to wait for a pooled connection (default 30 s)
 * @param embeddedDataDirectory where the quick-start server keeps its data; empty for a temporary
 *     directory removed on exit
 */
@ConfigurationProperties("ugda.relabel.database")
public record RelabelDatabaseProperties(
    @DefaultValue("") String url,
    @DefaultValue("") String username,
    @DefaultValue("") String password,
    @DefaultValue("10") int maxPoolSize,
    @DefaultValue("30s") Duration connectionTimeout,
    Path embeddedDataDirectory) {

  public RelabelDatabaseProperties {
    if (maxPoolSize < 2) {
      throw new IllegalArgumentException(
          "ugda.relabel.database.max-pool-size must be at least 2, was " + maxPoolSize);
    }
    if (!url.isBlank() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "ugda.relabel.database.url (spring.datasource.url) must be a "
              + "jdbc:postgresql: URL; the relabel schema uses PostgreSQL features");
    }
  }

  /** Whether to start the quick-start embedded server. */
  boolean embedded() {
    return url.isBlank();
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "RelabelDatabaseProperties[url="
        + url
        + ", username="
        + username
        + ", maxPoolSize="
        + maxPoolSize
        + "]";
  }
}
