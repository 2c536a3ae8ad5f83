package org.ugda.support.database;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a service uses its PostgreSQL schema. A service has a database exactly when it names its
 * schema ({@code ugda.database.schema} in its own config file).
 *
 * @param schema the schema the service owns; Flyway migrates it from {@code
 *     classpath:db/migration/<schema>} and keeps its history table in it, so services can share one
 *     database without seeing each other's tables
 * @param maxPoolSize connections in the pool (default 10, at least 2)
 * @param connectionTimeout how long to wait for a pooled connection (default 30 s)
 * @param embeddedDataDirectory where the quick-start embedded server keeps its data; empty for a
 *     temporary directory removed when the server stops. Keep it outside the storage root: nothing
 *     a request can name may lie in it
 */
@ConfigurationProperties("ugda.database")
public record DatabaseProperties(
    String schema,
    @DefaultValue("10") int maxPoolSize,
    @DefaultValue("30s") Duration connectionTimeout,
    Path embeddedDataDirectory) {

  public DatabaseProperties {
    if (schema != null && !schema.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "ugda.database.schema must be a lower-case SQL name (letters, digits, _), was " + schema);
    }
    if (maxPoolSize < 2) {
      throw new IllegalArgumentException(
          "ugda.database.max-pool-size must be at least 2, was " + maxPoolSize);
    }
    if (connectionTimeout.isNegative() || connectionTimeout.isZero()) {
      throw new IllegalArgumentException(
          "ugda.database.connection-timeout must be positive, was " + connectionTimeout);
    }
  }
}
