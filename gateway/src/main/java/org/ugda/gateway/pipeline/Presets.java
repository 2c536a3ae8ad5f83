package org.ugda.gateway.pipeline;

import java.util.List;
import org.ugda.api.policy.FeatureRequest;
import org.ugda.api.policy.PpoSettings;
import org.ugda.api.policy.Sampling;
import org.ugda.api.reward.LoraSpec;
import org.ugda.api.reward.TrainingSettings;
import org.ugda.api.selection.Aggregation;
import org.ugda.api.selection.InfluenceForm;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request's defaults: the paper's settings (DESIGN.md section 3) scaled to the benchmark world,
 * in two sizes. {@code tiny} is for tests (each step takes seconds); {@code default} is the demo's.
 * A request's own fields win field by field, nested ones too; the resolved request is what a run
 * stores.
 */
final class Presets {
  private Presets() {}

  static PipelineRequest resolve(PipelineRequest r) {
    String preset = r.preset() == null ? "default" : r.preset();
    boolean tiny = preset.equals("tiny");
    long seed = r.seed() == null ? 0 : r.seed();
    PipelineRequest defaults =
        new PipelineRequest(
            r.method().wire() + "-" + seed,
            r.method(),
            0.25,
            seed,
            "simulated",
            preset,
            "world/pairs-train.jsonl",
            "world/pairs-test.jsonl",
            tiny ? 48 : 128,
            tiny ? 32 : 64,
            new PipelineRequest.EnsembleSettings(
                3,
                new LoraSpec(8, 64.0, List.of("q_proj", "v_proj")),
                new TrainingSettings(1, 8, 1, null, null, null, null, null, seed)),
            new PpoSettings(
                2,
                tiny ? 8 : 16,
                tiny ? 4 : 8,
                tiny ? 1 : 2,
                1e-3,
                1e-4,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new Sampling(tiny ? 8 : 16, null, null, null, null),
                seed),
            new PipelineRequest.SelectionSettings(
                0.5,
                tiny ? 1024 : 2048,
                Aggregation.MEAN,
                InfluenceForm.PAPER,
                FeatureRequest.Mode.ADAM,
                null),
            new PipelineRequest.RefineSettings(
                0.1, new TrainingSettings(2, 8, 1, null, null, null, null, null, seed)),
            true,
            false,
            java.util.Map.of());
    ObjectNode merged = PipelineStore.JSON.valueToTree(defaults);
    overlay(merged, PipelineStore.JSON.valueToTree(r));
    return PipelineStore.JSON.treeToValue(merged, PipelineRequest.class);
  }

  /** Writes every non-null field of {@code given} over {@code base}, objects field by field. */
  private static void overlay(ObjectNode base, JsonNode given) {
    for (var e : given.properties()) {
      JsonNode v = e.getValue();
      if (v == null || v.isNull()) {
        continue;
      }
      JsonNode b = base.get(e.getKey());
      if (v.isObject() && b != null && b.isObject()) {
        overlay((ObjectNode) b, v);
      } else {
        base.set(e.getKey(), v);
      }
    }
  }
}
