package org.ugda.policy.rollout;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reading the rollout log ({@code ugda.policy.rollouts}).
 *
 * @param defaultPageSize rows per page when a request gives no {@code limit} (default 100)
 * @param maxPageSize the largest {@code limit} a page may ask for (default 1000); more is a 400
 *     that points at the export
 * @param exportFetchSize rows the export reads from PostgreSQL at a time through a cursor (default
 *     500), so a large log is never held in memory
 */
@ConfigurationProperties("ugda.policy.rollouts")
public record RolloutProperties(
    @DefaultValue("100") int defaultPageSize,
    @DefaultValue("1000") int maxPageSize,
    @DefaultValue("500") int exportFetchSize) {

  public RolloutProperties {
    if (maxPageSize < 1) {
      throw new IllegalArgumentException(
          "ugda.policy.rollouts.max-page-size must be at least 1, was " + maxPageSize);
    }
    if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
      throw new IllegalArgumentException(
          "ugda.policy.rollouts.default-page-size must be from 1 to max-page-size ("
              + maxPageSize
              + "), was "
              + defaultPageSize);
    }
    if (exportFetchSize < 1) {
      throw new IllegalArgumentException(
          "ugda.policy.rollouts.export-fetch-size must be at least 1, was " + exportFetchSize);
    }
  }
}
