package org.ugda.api.selection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.ugda.api.check.WireNames;

/** How a sample's influences on the validation subtasks become one score. */
public enum Aggregation {
  /** The subtasks' mean: what the paper's experiments used (the default). */
  MEAN,
  /** The largest of them (Eq. 12). */
  MAX;

  @JsonValue
  public String wire() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static Aggregation of(String s) {
    return WireNames.parse(Aggregation.class, s, "aggregation");
  }
}
