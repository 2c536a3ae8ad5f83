package org.ugda.api.selection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.ugda.api.check.WireNames;

/** How a training sample's direction is compared with a validation subtask's gradients. */
public enum InfluenceForm {
  /** Eq. 10-11: the cosine with the subtask's averaged validation gradient (the default). */
  PAPER,
  /** As LESS computes it: the mean of the cosines with each validation example's gradient. */
  LESS;

  @JsonValue
  public String wire() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static InfluenceForm of(String s) {
    return WireNames.parse(InfluenceForm.class, s, "influence");
  }
}
