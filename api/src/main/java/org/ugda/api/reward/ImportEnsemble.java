package org.ugda.api.reward;

import java.util.List;
import org.ugda.api.check.RequestChecks;

/**
 * Creates an ensemble whose version 1 is made of existing PEFT adapters (one directory per member).
 *
 * @param name as in {@link CreateEnsemble}
 * @param baseModel the base checkpoint the adapters were trained on; null: the service's default
 *     base, as in {@link CreateEnsemble}
 * @param adapters one PEFT adapter directory per member (with its {@code score} head), 1 to {@value
 *     Ensemble#MAX_MEMBERS}
 */
public record ImportEnsemble(String name, String baseModel, List<String> adapters) {
  public ImportEnsemble {
    RequestChecks.ensembleName(name);
    RequestChecks.baseModel(baseModel);
    if (adapters == null || adapters.isEmpty()) {
      throw new IllegalArgumentException(
          "adapters must list one PEFT adapter directory per member");
    }
    if (adapters.size() > Ensemble.MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "adapters: at most " + Ensemble.MAX_MEMBERS + " members, got " + adapters.size());
    }
    for (int i = 0; i < adapters.size(); i++) {
      RequestChecks.notBlank(
          adapters.get(i), "adapters[" + i + "]", "a PEFT adapter directory for member " + i);
    }
    adapters = List.copyOf(adapters);
  }
}
