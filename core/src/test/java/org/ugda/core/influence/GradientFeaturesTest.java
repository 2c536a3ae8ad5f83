package org.ugda.core.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.influence.GradientFeatures.Mode;
import org.ugda.core.influence.GradientFeatures.Sample;
import org.ugda.core.influence.GradientFeatures.Spec;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.projection.FastRademacherProjector;
import org.ugda.core.projection.RademacherProjector;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;

/**
 * Gradient features of the llama fixture against {@code lora-grads.safetensors}: the plain gradient
 * of each row, Eq. 6 on the stored moments, projection and batching.
 */
class GradientFeaturesTest {

  static final String AD = "policy";
  static Transformer model;
  static LoraAdapter adapter;
  static List<Sample> rows;
  static SafeTensorsFile grads;
  static JsonObject meta;

  @BeforeAll
  static void load() throws Exception {
    Path dir = Fixtures.arch("llama");
    model = Transformer.load(dir.resolve("causal-lm"), Device.cpu());
    var ad = PeftAdapters.read(dir.resolve("lora-adapter"), model.config());
    adapter = model.addAdapter(AD, ad.config(), ad.tensors(), "fixture");
    try (SafeTensorsFile ref = SafeTensorsFile.open(dir.resolve("reference.safetensors"))) {
      long[] shape = ref.info("input_ids").shape();
      TokenBatch b =
          new TokenBatch(
              (int) shape[0],
              (int) shape[1],
              ref.readLongs("input_ids"),
              ref.readLongs("attention_mask"),
              null,
              0);
      long[] prompt = ref.readLongs("prompt_len");
      rows = new ArrayList<>();
      for (int r = 0; r < b.rows(); r++) {
        rows.add(new Sample(b.row(r), (int) prompt[r])); // row 1 is right-padded: real tokens only
      }
    }
    grads = SafeTensorsFile.open(dir.resolve("lora-grads.safetensors"));
    meta =
        JsonParser.parseString(Files.readString(dir.resolve("lora-grads.json"))).getAsJsonObject();
  }

  @AfterAll
  static void close() {
    if (grads != null) {
      grads.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /** The fixture's tolerance: |a - b| <= 1e-4 + 1e-3 |b|. */
  static void assertWithinFixtureTolerance(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-4 + 1e-3 * Math.abs(expected[i]);
      assertTrue(
          Math.abs(actual[i] - expected[i]) <= tol,
          what + " index " + i + ": expected " + expected[i] + ", got " + actual[i]);
    }
  }

  /** {@code prefix + name} of every adapter parameter, concatenated in parameter order. */
  static double[] concatenated(String prefix) {
    List<NamedArray> params = adapter.parameters();
    double[] out = new double[(int) adapter.parameterCount()];
    int at = 0;
    for (NamedArray p : params) {
      float[] part = grads.readFloats(prefix + p.name());
      for (float x : part) {
        out[at++] = x;
      }
    }
    assertEquals(out.length, at);
    return out;
  }

  static Adam.State fixtureState() {
    Map<String, FloatTensor> m = new LinkedHashMap<>();
    Map<String, FloatTensor> v = new LinkedHashMap<>();
    for (NamedArray p : adapter.parameters()) {
      long[] shape = p.array().getShape().getShape();
      m.put(p.name(), new FloatTensor(shape, grads.readFloats("adam.exp_avg." + p.name())));
      v.put(p.name(), new FloatTensor(shape, grads.readFloats("adam.exp_avg_sq." + p.name())));
    }
    // torch's state["step"] after the fixture's two steps
    return new Adam.State(meta.getAsJsonObject("adam").get("steps").getAsLong(), m, v);
  }

  static Adam.Hyper fixtureHyper() {
    JsonObject adam = meta.getAsJsonObject("adam");
    JsonArray betas = adam.getAsJsonArray("betas");
    return new Adam.Hyper(
        betas.get(0).getAsDouble(), betas.get(1).getAsDouble(), adam.get("eps").getAsDouble(), 0);
  }

  @Test
  void shouldReadTheFixtureAsDocumented() {
    assertEquals(2, rows.size());
    assertEquals(2, meta.getAsJsonObject("adam").get("steps").getAsInt());
    List<String> order = new ArrayList<>();
    meta.getAsJsonArray("trainable_parameter_order").forEach(e -> order.add(e.getAsString()));
    assertEquals(order, adapter.parameterNames());
    // per-sample gradients exist for rows 0 and 1 only
    assertTrue(grads.contains("grad1." + order.get(0)));
    assertFalse(grads.contains("grad2." + order.get(0)));
  }

  @Test
  void shouldEqualTheFixtureGradientOfEachRowUnprojected() {
    float[][] f = GradientFeatures.computeAll(model, AD, rows, Spec.plain(null), 2);
    for (int b = 0; b < rows.size(); b++) {
      assertWithinFixtureTolerance(concatenated("grad" + b + "."), f[b], "row " + b);
    }
  }

  @Test
  void shouldApplyEq6ToTheFixtureMomentsAtStepTwo() {
    Adam.State state = fixtureState();
    Adam.Hyper h = fixtureHyper();
    float[][] adam =
        GradientFeatures.computeAll(model, AD, rows, new Spec(Mode.ADAM, state, h, null), 2);
    // Eq. 6 in double, independently, on the fixture's own gradient of row 0: the update would be
    // step t + 1 = 3
    double[] g = concatenated("grad0.");
    double[] m = concatenated("adam.exp_avg.");
    double[] v = concatenated("adam.exp_avg_sq.");
    long t = state.step();
    double bc1 = 1 - Math.pow(h.beta1(), t + 1);
    double bc2 = 1 - Math.pow(h.beta2(), t + 1);
    double[] expected = new double[g.length];
    double[] expectedLess = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      double mp = h.beta1() * m[i] + (1 - h.beta1()) * g[i];
      double vp = h.beta2() * v[i] + (1 - h.beta2()) * g[i] * g[i];
      expected[i] = (mp / bc1) / Math.sqrt(vp / bc2 + h.eps());
      expectedLess[i] = mp / Math.sqrt(vp + h.eps());
    }
    assertWithinFixtureTolerance(expected, adam[0], "ADAM row 0");
    float[][] less =
        GradientFeatures.computeAll(model, AD, rows, new Spec(Mode.ADAM_LESS, state, h, null), 2);
    assertWithinFixtureTolerance(expectedLess, less[0], "ADAM_LESS row 0");
    // and exactly AdamDirection on the plain feature: the modes share one gradient
    float[][] plain = GradientFeatures.computeAll(model, AD, rows, Spec.plain(null), 2);
    AdamDirection d = AdamDirection.forAdapter(adapter, state, h, AdamDirection.Variant.EQ6);
    for (int b = 0; b < rows.size(); b++) {
      assertArrayEquals(d.apply(plain[b]), adam[b], "row " + b);
    }
  }

  /** Every coordinate within FastRademacherProjector.TOLERANCE of the exact row's L2 norm. */
  static void assertWithinProjectionTolerance(float[] exact, float[] fast, String what) {
    assertEquals(exact.length, fast.length, what);
    double norm = 0;
    for (float x : exact) {
      norm += (double) x * x;
    }
    double bound = FastRademacherProjector.TOLERANCE * Math.sqrt(norm);
    assertTrue(bound > 0, what + ": a zero row tests nothing");
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], fast[i], bound, what + " index " + i);
    }
  }

  @Test
  void shouldProjectAsTheProjectorProjectsTheUnprojectedFeatures() {
    Adam.State state = fixtureState();
    Adam.Hyper h = fixtureHyper();
    RademacherProjector proj = GradientFeatures.projector(adapter, 1024, 1234, 1);
    RademacherProjector proj2 = GradientFeatures.projector(adapter, 1024, 1234, 2);
    for (Mode mode : Mode.values()) {
      Spec unprojected = new Spec(mode, state, h, null);
      float[][] raw = GradientFeatures.computeAll(model, AD, rows, unprojected, 2);
      float[][] exact =
          computeAll(new Spec(mode, state, h, proj), 2, GradientFeatures.Projection.EXACT);
      float[][] twoThreads =
          computeAll(new Spec(mode, state, h, proj2), 2, GradientFeatures.Projection.EXACT);
      float[][] fast =
          GradientFeatures.computeAll(model, AD, rows, new Spec(mode, state, h, proj), 2);
      float[][] expected = proj.project(raw);
      for (int b = 0; b < rows.size(); b++) {
        assertEquals(1024, exact[b].length);
        assertArrayEquals(expected[b], exact[b], mode + " row " + b);
        assertArrayEquals(expected[b], twoThreads[b], mode + " row " + b + ", 2 threads");
        assertWithinProjectionTolerance(expected[b], fast[b], mode + " row " + b + ", fast");
      }
    }
  }

  @Test
  void shouldProjectTheFixtureGradientsFastWithinToleranceAtEveryAllowedDimension() {
    float[][] raw = GradientFeatures.computeAll(model, AD, rows, Spec.plain(null), 2);
    for (int d : GradientFeatures.ALLOWED_DIMS) {
      RademacherProjector proj = GradientFeatures.projector(adapter, d, 11, 1);
      float[][] exact = proj.project(raw);
      float[][] fast = new FastRademacherProjector(proj).project(raw);
      float[][] viaFeatures = GradientFeatures.computeAll(model, AD, rows, Spec.plain(proj), 2);
      for (int b = 0; b < rows.size(); b++) {
        assertWithinProjectionTolerance(exact[b], fast[b], "d=" + d + " row " + b);
        assertArrayEquals(fast[b], viaFeatures[b], "d=" + d + " row " + b + " via compute");
      }
    }
  }

  static float[][] computeAll(Spec spec, int batchSize, GradientFeatures.Projection projection) {
    return computeAll(rows, spec, batchSize, projection);
  }

  static float[][] computeAll(
      List<Sample> samples, Spec spec, int batchSize, GradientFeatures.Projection projection) {
    float[][] out = new float[samples.size()][];
    GradientFeatures.compute(
        model,
        AD,
        samples,
        spec,
        batchSize,
        projection,
        (first, batch) -> System.arraycopy(batch, 0, out, first, batch.length));
    return out;
  }

  @Test
  void shouldStreamChunksOfWholeBatchesAndAgreeWhateverTheChunkSize() {
    List<Sample> same = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      same.add(new Sample(new long[] {1, 20 + i, 30, 40 + i, 50, 60 + 2 * i, 70}, 2 + i % 4));
    }
    RademacherProjector proj = GradientFeatures.projector(adapter, 4096, 3, 1);
    Spec spec = Spec.plain(proj);
    float[][] exact = computeAll(same, spec, 2, GradientFeatures.Projection.EXACT);
    float[][] reference = null;
    for (int chunk : new int[] {1, 2, 3, 4, 7, 256}) {
      var projection = new GradientFeatures.Projection(false, chunk, 1L << 30);
      List<Integer> firsts = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      float[][] out = new float[same.size()][];
      GradientFeatures.Timing t =
          GradientFeatures.compute(
              model,
              AD,
              same,
              spec,
              2,
              projection,
              (first, batch) -> {
                firsts.add(first);
                sizes.add(batch.length);
                System.arraycopy(batch, 0, out, first, batch.length);
              });
      // the consumer still sees batches of 2, in order, whatever the chunk
      assertEquals(List.of(0, 2, 4, 6), firsts, "chunk " + chunk);
      assertEquals(List.of(2, 2, 2, 1), sizes, "chunk " + chunk);
      assertEquals(7, t.rows());
      assertEquals(4, t.batches());
      assertTrue(t.projectionNanos() > 0);
      for (int r = 0; r < same.size(); r++) {
        assertWithinProjectionTolerance(exact[r], out[r], "chunk " + chunk + " row " + r);
        if (reference != null) {
          // other chunk sizes are other matmul shapes: equal within float32 rounding, not bitwise
          assertWithinProjectionTolerance(
              reference[r], out[r], "chunk " + chunk + " vs 1, row " + r);
        }
      }
      if (reference == null) {
        reference = out;
      }
    }
    // a chunk bound in bytes: one sample's gradient is 4 P bytes
    var byBytes = new GradientFeatures.Projection(false, 256, 4 * adapter.parameterCount() * 3);
    assertEquals(2, byBytes.rowsPerChunk(adapter.parameterCount(), 2), "whole batches only");
    assertEquals(3, byBytes.rowsPerChunk(adapter.parameterCount(), 1));
    assertEquals(4, byBytes.rowsPerChunk(adapter.parameterCount(), 4), "at least one batch");
  }

  @Test
  void shouldRejectDimensionsOutsideTheAllowedSet() {
    assertEquals(List.of(1024, 2048, 4096, 8192), List.copyOf(GradientFeatures.ALLOWED_DIMS));
    for (int d : new int[] {512, 1000, 16384, 0}) {
      var e =
          assertThrows(IllegalArgumentException.class, () -> GradientFeatures.requireAllowedDim(d));
      assertTrue(e.getMessage().contains("[1024, 2048, 4096, 8192]"), e.getMessage());
      assertTrue(e.getMessage().contains("d = " + d), e.getMessage());
    }
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> GradientFeatures.projector(adapter, 512, 1, 1));
    assertTrue(e.getMessage().contains("[1024, 2048, 4096, 8192]"));
    RademacherProjector odd = new RademacherProjector(adapter.parameterCount(), 512, 1, 1);
    e = assertThrows(IllegalArgumentException.class, () -> Spec.plain(odd));
    assertTrue(e.getMessage().contains("[1024, 2048, 4096, 8192]"));
    RademacherProjector wrongP = new RademacherProjector(100, 1024, 1, 1);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradientFeatures.computeAll(model, AD, rows, Spec.plain(wrongP), 1));
    assertTrue(e.getMessage().contains("P = 100"), e.getMessage());
  }

  @Test
  void shouldRejectAdamModesWithoutState() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Spec(Mode.ADAM, null, Adam.Hyper.paper(), null));
    assertTrue(e.getMessage().contains("Adam state"));
    Adam.State empty = new Adam.State(3, Map.of(), Map.of());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GradientFeatures.computeAll(
                    model, AD, rows, new Spec(Mode.ADAM_LESS, empty, Adam.Hyper.paper(), null), 1));
    assertTrue(e.getMessage().contains("lacks moments for 8 of 8"), e.getMessage());
    // PLAIN needs none
    assertNotNull(new Spec(Mode.PLAIN, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new Sample(new long[] {1, 2}, 2));
    assertThrows(IllegalArgumentException.class, () -> new Sample(new long[] {1, 2}, 0));
  }

  /**
   * Within float32 rounding: a row padded to a longer batch runs through matmuls of other shapes,
   * whose sums libtorch may block differently (the last bits differ; see the exact test below).
   */
  static void assertSameFeatures(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double norm = 0;
    for (float x : expected) {
      norm = Math.max(norm, Math.abs(x));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * norm, what + " index " + i);
    }
  }

  @Test
  void shouldGiveTheSameFeaturesWhateverTheBatchSize() {
    // five rows of different lengths (padding differs between batchings)
    List<Sample> five = new ArrayList<>(rows);
    five.add(new Sample(new long[] {1, 20, 30, 40, 50, 60, 70, 80, 90}, 3));
    five.add(new Sample(new long[] {1, 21, 31, 2}, 2));
    five.add(new Sample(new long[] {1, 5, 6, 7, 8, 9, 10}, 4));
    Spec spec =
        new Spec(
            Mode.ADAM,
            fixtureState(),
            fixtureHyper(),
            GradientFeatures.projector(adapter, 2048, 7, 1));
    float[][] all = GradientFeatures.computeAll(model, AD, five, spec, five.size());
    List<Integer> firsts = new ArrayList<>();
    float[][] ones = new float[five.size()][];
    GradientFeatures.Timing t =
        GradientFeatures.compute(
            model,
            AD,
            five,
            spec,
            1,
            (first, batch) -> {
              assertEquals(1, batch.length);
              firsts.add(first);
              ones[first] = batch[0];
            });
    assertEquals(List.of(0, 1, 2, 3, 4), firsts);
    assertEquals(5, t.rows());
    assertEquals(5, t.batches());
    assertTrue(t.backwardNanos() > 0 && t.projectionNanos() > 0 && t.directionNanos() > 0);
    float[][] twos = GradientFeatures.computeAll(model, AD, five, spec, 2); // last batch of one
    for (int r = 0; r < five.size(); r++) {
      assertSameFeatures(all[r], ones[r], "row " + r + ": batch of 1 vs batch of all");
      assertSameFeatures(all[r], twos[r], "row " + r + ": batches of 2 vs batch of all");
    }
  }

  @Test
  void shouldGiveIdenticalFeaturesForRowsOfOneLengthWhateverTheBatchSize() {
    List<Sample> same = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      same.add(new Sample(new long[] {1, 20 + i, 30, 40 + i, 50, 60 + 2 * i, 70}, 2 + i));
    }
    Spec spec = Spec.plain(GradientFeatures.projector(adapter, 1024, 3, 1));
    float[][] all = GradientFeatures.computeAll(model, AD, same, spec, same.size());
    float[][] ones = GradientFeatures.computeAll(model, AD, same, spec, 1);
    for (int r = 0; r < same.size(); r++) {
      assertArrayEquals(all[r], ones[r], "row " + r);
    }
  }
}
