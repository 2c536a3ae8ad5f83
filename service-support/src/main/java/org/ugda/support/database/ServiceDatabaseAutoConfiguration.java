package org.ugda.support.database;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A service's PostgreSQL, for every service that names its schema ({@code ugda.database.schema}):
 * the server from {@code spring.datasource.*} or the JVM's embedded one, a pool, and Flyway
 * migrating {@code classpath:db/migration/<schema>} into that schema before the {@link DataSource}
 * is handed to anyone.
 *
 * <p>It comes before Spring Boot's JDBC and JPA auto-configuration, which then back off (JDBC) or
 * build on this data source (JPA, in services that map entities). Spring Boot's Flyway
 * auto-configuration must stay off the classpath: it would migrate every service's scripts into one
 * schema.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "ugda.database", name = "schema")
@EnableConfigurationProperties({DatabaseProperties.class, DataSourceSettings.class})
public class ServiceDatabaseAutoConfiguration {

  @Bean(destroyMethod = "close")
  ServiceDatabase serviceDatabase(
      DataSourceSettings server,
      DatabaseProperties properties,
      ObjectProvider<MeterRegistry> meters) {
    return new ServiceDatabase(server, properties, meters.getIfAvailable());
  }

  /** The pool; closed by {@link ServiceDatabase}, after every bean that uses it. */
  @Bean(destroyMethod = "")
  DataSource dataSource(ServiceDatabase database) {
    return database.dataSource();
  }
}
