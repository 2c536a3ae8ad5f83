package org.ugda.api.relabel;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Who labels a job's items. On the wire an expert is its {@link #wireName()} ({@code openai},
 * {@code human}, {@code simulated}, {@code openai+human}); records carry that string, so that
 * {@code openai+human} needs no JSON-library annotation in this module.
 */
public enum Expert {
  /**
   * The LLM judge; an answer it cannot give (unparseable, out of range) goes to the human queue.
   */
  OPENAI("openai"),
  /** People, through the human queue and its labelling page. */
  HUMAN("human"),
  /** The benchmark world's simulated expert (for experiments and CI). */
  SIMULATED("simulated"),
  /** The LLM first; every item it could not label, for whatever reason, goes to the human queue. */
  OPENAI_THEN_HUMAN("openai+human");

  private final String wireName;

  Expert(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON and in stored rows. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; the error lists the valid names. */
  public static Expert parse(String wireName) {
    for (Expert expert : values()) {
      if (expert.wireName.equals(wireName)) {
        return expert;
      }
    }
    throw new IllegalArgumentException(
        "expert must be one of "
            + Arrays.stream(values()).map(Expert::wireName).collect(Collectors.joining(", "))
            + "; got '"
            + wireName
            + "'");
  }
}
