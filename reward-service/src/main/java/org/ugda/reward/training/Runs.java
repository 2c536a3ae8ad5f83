package org.ugda.reward.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.runtime.ModelRegistry;

/** What the train and refine runners do alike: check the ensemble a job runs on, publish. */
final class Runs {
  private Runs() {}

  /**
   * The ensemble a job is submitted for, once its {@code fromVersion} is known to exist and its
   * base model has a tokenizer.
   */
  static EnsembleEntity checkedEnsemble(
      EnsembleService ensembles, ModelRegistry registry, UUID ensembleId, Integer fromVersion) {
    EnsembleEntity e = ensembles.entity(ensembleId);
    ensembles.version(ensembleId, fromVersion);
    registry.base(e.baseModel()).requireCodec();
    return e;
  }

  /**
   * Publishes {@code members} as the ensemble's next version; the job's result: the metrics, the
   * new version's number and the one it came from.
   */
  static Map<String, Object> publish(
      EnsembleService ensembles,
      EnsembleEntity e,
      VersionEntity from,
      String source,
      UUID jobId,
      MemberAdapters members,
      Map<String, Object> metrics) {
    int number =
        ensembles.publishVersion(e, from.number(), source, jobId, members.names(), metrics);
    Map<String, Object> result = new LinkedHashMap<>(metrics);
    result.put("version", number);
    result.put("fromVersion", from.number());
    return result;
  }
}
