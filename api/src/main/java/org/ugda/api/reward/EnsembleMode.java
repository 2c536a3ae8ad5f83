package org.ugda.api.reward;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How an ensemble's k members are built on the shared frozen base. On the wire: {@code lora},
 * {@code heads}.
 */
public enum EnsembleMode {
  /** Each member a LoRA adapter with its own scalar head (DESIGN.md section 3). */
  LORA("lora"),
  /** One shared LoRA trunk with k head outputs: one forward pass serves every member. */
  HEADS("heads");

  private final String wireName;

  EnsembleMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name in JSON and in stored rows. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; the error names the modes there are. */
  @JsonCreator
  public static EnsembleMode parse(String wireName) {
    for (EnsembleMode mode : values()) {
      if (mode.wireName.equals(wireName)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "mode must be 'lora' (a LoRA adapter and head per member) or 'heads' "
            + "(one shared trunk, one head per member), got '"
            + wireName
            + "'");
  }
}
