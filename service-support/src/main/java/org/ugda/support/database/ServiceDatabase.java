package org.ugda.support.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A service's connection to its schema: the server (configured, or a lease on the JVM's embedded
 * one), a connection pool, and the schema migrated by Flyway before anyone gets a connection.
 */
public final class ServiceDatabase implements AutoCloseable {
  private final String schema;
  private final EmbeddedPostgresServer.Lease lease;
  private final HikariDataSource dataSource;

  ServiceDatabase(DataSourceSettings server, DatabaseProperties properties, MeterRegistry meters) {
    this.schema = properties.schema();
    this.lease =
        server.embedded()
            ? EmbeddedPostgresServer.acquire(properties.embeddedDataDirectory())
            : null;
    try {
      HikariConfig config = new HikariConfig();
      config.setPoolName(schema);
      config.setJdbcUrl(lease != null ? lease.url() : server.url());
      config.setUsername(lease != null ? lease.username() : server.username());
      config.setPassword(lease != null ? lease.password() : server.password());
      config.setMaximumPoolSize(properties.maxPoolSize());
      config.setConnectionTimeout(properties.connectionTimeout().toMillis());
      if (meters != null) {
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
      }
      this.dataSource = new HikariDataSource(config);
      migrate(dataSource, schema);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Creates or updates {@code schema} in {@code dataSource}'s database from its own scripts. */
  public static Flyway migrate(DataSource dataSource, String schema) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(schema)
            .defaultSchema(schema)
            .locations("classpath:db/migration/" + schema)
            .load();
    flyway.migrate();
    return flyway;
  }

  public String schema() {
    return schema;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    if (dataSource != null) {
      dataSource.close();
    }
    if (lease != null) {
      lease.close();
    }
  }
}
