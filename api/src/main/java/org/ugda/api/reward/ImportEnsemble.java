package org.ugda.api.reward;

import java.util.List;

/**
 * Creates an ensemble whose version 1 is made of existing PEFT adapters (one directory per member).
 */
public record ImportEnsemble(String name, String baseModel, List<String> adapters) {
  public ImportEnsemble {
    adapters = adapters == null ? null : List.copyOf(adapters);
  }
}
