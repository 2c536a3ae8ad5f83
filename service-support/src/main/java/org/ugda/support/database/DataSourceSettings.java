package org.ugda.support.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server a service's schema lives on, under Spring's standard names (so {@code
 * SPRING_DATASOURCE_URL} from a Kubernetes Secret just works).
 *
 * @param url JDBC URL of a PostgreSQL server; empty for the quick start: the JVM's one embedded
 *     PostgreSQL ({@link EmbeddedPostgresServer})
 * @param username database user
 * @param password database password; from the environment or a mounted Secret, never a file in an
 *     image
 */
@ConfigurationProperties("spring.datasource")
public record DataSourceSettings(
    @DefaultValue("") String url,
    @DefaultValue("") String username,
    @DefaultValue("") String password) {

  public DataSourceSettings {
    if (!url.isBlank() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "spring.datasource.url must be a jdbc:postgresql: URL (the schemas use PostgreSQL"
              + " features), was "
              + url.substring(0, Math.min(url.length(), 40)));
    }
  }

  /** Whether to use the JVM's embedded quick-start server. */
  public boolean embedded() {
    return url.isBlank();
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "DataSourceSettings[url=" + url + ", username=" + username + "]";
  }
}
