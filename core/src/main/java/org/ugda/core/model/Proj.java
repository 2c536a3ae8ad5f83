package org.ugda.core.model;

/** The linear layers of a decoder block, in the order transformers registers them. */
public enum Proj {
  Q("self_attn.q_proj"),
  K("self_attn.k_proj"),
  V("self_attn.v_proj"),
  O("self_attn.o_proj"),
  GATE("mlp.gate_proj"),
  UP("mlp.up_proj"),
  DOWN("mlp.down_proj");

  private final String path;

  Proj(String path) {
    this.path = path;
  }

  /** The module's path within a decoder layer, e.g. {@code self_attn.q_proj}. */
  public String path() {
    return path;
  }

  /** e.g. {@code q_proj}, the name PEFT's target_modules uses. */
  public String shortName() {
    return path.substring(path.indexOf('.') + 1);
  }

  /** e.g. {@code model.layers.3.self_attn.q_proj} (see {@link HfNames}). */
  public String moduleKey(int layer) {
    return HfNames.layer(layer, path);
  }

  public static Proj byShortName(String s) {
    for (Proj p : values()) {
      if (p.shortName().equals(s)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown module " + s);
  }
}
