package org.ugda.selection.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * selection-service's settings ({@code ugda.selection.*}).
 *
 * @param storageRoot the storage root the services share (the benchmark world is read from it)
 * @param worldDir the benchmark world whose {@code validation-helpful.jsonl} and {@code
 *     validation-harmless.jsonl} are the default validation subtasks, relative to the storage root
 * @param logPageSize rollouts read from policy-service per page (policy-service allows 1-1000)
 * @param featureBatch samples per gradient-feature request to policy-service: the most features
 *     held at once is this many rows of d floats
 * @param maxValidationExamples examples one request may carry over all its subtasks
 * @param maxExampleChars characters of one validation prompt or response
 */
@ConfigurationProperties("ugda.selection")
public record SelectionProperties(
    Path storageRoot,
    @DefaultValue("world") String worldDir,
    @DefaultValue("1000") int logPageSize,
    @DefaultValue("256") int featureBatch,
    @DefaultValue("4096") int maxValidationExamples,
    @DefaultValue("20000") int maxExampleChars) {

  public SelectionProperties {
    if (storageRoot == null) {
      throw new IllegalArgumentException("ugda.selection.storage-root is required");
    }
    if (logPageSize < 1 || logPageSize > 1000) {
      throw new IllegalArgumentException(
          "ugda.selection.log-page-size must be 1-1000 (policy-service's page limit), got "
              + logPageSize);
    }
    if (featureBatch < 1 || featureBatch > 4096) {
      throw new IllegalArgumentException(
          "ugda.selection.feature-batch must be 1-4096 (a feature request's limit), got "
              + featureBatch);
    }
  }

  /** The default world's directory. */
  public Path world() {
    return storageRoot.resolve(worldDir);
  }
}
