package org.ugda.relabel.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service's PostgreSQL: pool, Flyway migration of the {@code relabel} schema, JDBC client,
 * transactions and a health indicator, all wired here by hand.
 *
 * <p>Spring Boot's JDBC and Flyway auto-configuration are deliberately not on the classpath: in the
 * standalone JVM every service context sees every jar, and {@code spring-boot-jdbc} would make the
 * other services' contexts fail for want of a datasource URL. Should another module bring them in,
 * this context's own {@link DataSource} makes Boot's back off, and {@code
 * spring.flyway.enabled=false} in {@code relabel-service.yml} keeps Boot's Flyway from migrating
 * {@code classpath:db/migration} (every service's scripts) into this database.
 *
 * <p>Migrations live in {@code db/migration/relabel}; the schema and its history table are {@code
 * relabel}, so the services can share one database (as in the standalone launcher) without seeing
 * each other's tables. Every statement names {@code relabel.} explicitly.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RelabelDatabaseProperties.class)
public class RelabelDatabaseConfiguration {

  /** The schema this service owns. */
  public static final String SCHEMA = "relabel";

  @Bean(destroyMethod = "close")
  DatabaseServer relabelDatabaseServer(RelabelDatabaseProperties properties) {
    return DatabaseServer.of(properties);
  }

  @Bean(destroyMethod = "close")
  HikariDataSource relabelDataSource(
      DatabaseServer server,
      RelabelDatabaseProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("relabel");
    config.setJdbcUrl(server.url());
    config.setUsername(server.username());
    config.setPassword(server.password());
    config.setMaximumPoolSize(properties.maxPoolSize());
    config.setConnectionTimeout(properties.connectionTimeout().toMillis());
    meterRegistry.ifAvailable(
        registry -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)));
    return new HikariDataSource(config);
  }

  /** Migrates the {@code relabel} schema before anything else uses the database. */
  @Bean
  Flyway relabelFlyway(DataSource dataSource) {
    return migrate(dataSource);
  }

  /** Creates or updates the {@code relabel} schema in {@code dataSource}'s database. */
  public static Flyway migrate(DataSource dataSource) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(SCHEMA)
            .defaultSchema(SCHEMA)
            .locations("classpath:db/migration/" + SCHEMA)
            .load();
    flyway.migrate();
    return flyway;
  }

  @Bean
  JdbcTemplate relabelJdbcTemplate(DataSource dataSource, Flyway migrated) {
    return new JdbcTemplate(dataSource);
  }

  @Bean
  JdbcClient relabelJdbcClient(JdbcTemplate jdbcTemplate) {
    return JdbcClient.create(jdbcTemplate);
  }

  @Bean
  TransactionTemplate relabelTransactions(DataSource dataSource) {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @Bean
  HealthIndicator relabelDatabaseHealthIndicator(DataSource dataSource) {
    return () -> {
      try (var connection = dataSource.getConnection()) {
        return connection.isValid(2)
            ? Health.up().withDetail("schema", SCHEMA).build()
            : Health.down().withDetail("schema", SCHEMA).build();
      } catch (Exception e) {
        return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
      }
    };
  }
}
