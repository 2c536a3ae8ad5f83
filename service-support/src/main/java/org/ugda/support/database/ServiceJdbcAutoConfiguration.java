package org.ugda.support.database;

import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a service that writes SQL itself needs on top of {@link ServiceDatabase}: {@link
 * JdbcClient}, transactions and a health indicator. Each backs off where Spring Boot (a service
 * with JPA) already made one, so a service gets exactly one of each.
 */
@AutoConfiguration(
    after = ServiceDatabaseAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
      "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration"
    })
@ConditionalOnBean(ServiceDatabase.class)
public class ServiceJdbcAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  JdbcTemplate jdbcTemplate(DataSource dataSource) {
    return new JdbcTemplate(dataSource);
  }

  @Bean
  @ConditionalOnMissingBean
  JdbcClient jdbcClient(JdbcTemplate jdbcTemplate) {
    return JdbcClient.create(jdbcTemplate);
  }

  @Bean
  @ConditionalOnMissingBean(TransactionManager.class)
  DataSourceTransactionManager transactionManager(DataSource dataSource) {
    return new DataSourceTransactionManager(dataSource);
  }

  @Bean
  @ConditionalOnMissingBean
  TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
    return new TransactionTemplate(transactionManager);
  }

  /**
   * {@code /actuator/health/database}, with the schema, under this one name in every service and
   * every layout (readiness groups can name it), whether or not Spring Boot's own {@code db}
   * indicator is also on the classpath.
   */
  @Bean(name = "databaseHealthIndicator")
  HealthIndicator databaseHealthIndicator(ServiceDatabase database) {
    return () -> {
      try (var connection = database.dataSource().getConnection()) {
        Health.Builder health = connection.isValid(2) ? Health.up() : Health.down();
        return health.withDetail("schema", database.schema()).build();
      } catch (Exception e) {
        return Health.down().withDetail("schema", database.schema()).build();
      }
    };
  }
}
