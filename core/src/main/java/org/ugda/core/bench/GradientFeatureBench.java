package org.ugda.core.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.influence.GradientFeatures;
import org.ugda.core.influence.GradientFeatures.Mode;
import org.ugda.core.influence.GradientFeatures.Projection;
import org.ugda.core.influence.GradientFeatures.Sample;
import org.ugda.core.influence.GradientFeatures.Spec;
import org.ugda.core.influence.GradientFeatures.Timing;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.projection.RademacherProjector;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.train.Adam;

/**
 * {@code ugda bench features}: gradient features per second for one checkpoint at d = 8192, on the
 * benchmark world's {@code small} model with the policy's LoRA adapter, and the projection's time
 * as a fraction of the backward pass measured in the same run (target at most 0.5).
 *
 * <p>System properties: {@code ugda.threads} (libtorch intra-op threads, default 1), {@code
 * ugda.projection.threads} (the exact projector's workers, default 1), {@code ugda.bench.batches}
 * (batches of 16 per timed run, default 16: 256 samples, one full chunk of the fast projector),
 * {@code ugda.projection.chunk} (the fast projector's chunk, default 256 samples). The exact
 * projector (double sums) and the fast one (float32 sgemm over chunks of batches, the same matrix)
 * are timed in the same run, each against its own run's backward.
 */
public final class GradientFeatureBench {
  private GradientFeatureBench() {}

  /**
   * The world's {@code small} preset (benchmark module, {@code WorldModels.config("small", 342)}):
   * 4 layers, 128 wide, 4 heads over 2 KV heads, SwiGLU 384, the world tokenizer's 342 words.
   * Repeated here because core cannot depend on the benchmark module.
   */
  static ModelConfig worldSmall() {
    return ModelConfig.llama(342, 128, 384, 4, 4, 2, 256);
  }

  static final int BATCH = 16;
  static final int TOKENS = 64;
  static final int PROMPT = 24;
  static final int DIM = 8192;

  public static void main(String[] args) {
    int threads = Integer.getInteger("ugda.threads", 1);
    int projThreads = Integer.getInteger("ugda.projection.threads", 1);
    int batches = Integer.getInteger("ugda.bench.batches", 16);
    int chunk = Integer.getInteger("ugda.projection.chunk", Projection.FAST.chunkRows());
    DjlRuntime.setThreads(threads);
    System.out.printf(
        Locale.ROOT,
        "# gradient features: %d libtorch thread(s), %d projection thread(s), %d cores, %s%n",
        threads,
        projThreads,
        Runtime.getRuntime().availableProcessors(),
        DjlRuntime.engine().getVersion());
    run(batches, projThreads, chunk);
  }

  static List<Sample> samples(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] ids = new long[TOKENS - (i % 4)]; // 61-64 tokens: some padding, as real batches have
      ids[0] = 1;
      for (int j = 1; j < ids.length; j++) {
        ids[j] = 3 + r.nextInt(vocab - 3);
      }
      out.add(new Sample(ids, PROMPT));
    }
    return out;
  }

  /** A checkpoint's Adam state of plausible magnitude: m ~ N(0, 1e-3), v ~ m^2 + 1e-7, t = 200. */
  static Adam.State state(LoraAdapter ad, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, FloatTensor> m = new LinkedHashMap<>();
    Map<String, FloatTensor> v = new LinkedHashMap<>();
    for (NamedArray p : ad.parameters()) {
      long[] shape = p.array().getShape().getShape();
      float[] mm = new float[(int) p.array().size()];
      float[] vv = new float[mm.length];
      for (int i = 0; i < mm.length; i++) {
        mm[i] = (float) (1e-3 * r.nextGaussian());
        vv[i] = mm[i] * mm[i] + 1e-7f;
      }
      m.put(p.name(), new FloatTensor(shape, mm));
      v.put(p.name(), new FloatTensor(shape, vv));
    }
    return new Adam.State(200, m, v);
  }

  static void run(int batches, int projThreads, int chunk) {
    ModelConfig c = worldSmall();
    try (Transformer model = Transformer.initialise(c, 1, Device.cpu())) {
      LoraConfig lc = new LoraConfig(8, 64, List.of("q_proj", "v_proj"), 0, false, null);
      LoraAdapter ad = model.addAdapter("policy", lc, 2);
      // a trained adapter's B is not zero; with B = 0 every dA would be exactly zero
      SplittableRandom r = new SplittableRandom(3);
      for (NamedArray p : ad.parameters()) {
        if (p.name().contains("lora_B")) {
          float[] b = new float[(int) p.array().size()];
          for (int i = 0; i < b.length; i++) {
            b[i] = (float) (0.02 * r.nextGaussian());
          }
          try (NDManager scope = model.newScope()) {
            p.array().addi(NdData.floats(scope, b, p.array().getShape()));
          }
        }
      }
      long pCount = ad.parameterCount();
      List<Sample> samples = samples(BATCH * batches, c.vocabSize(), 4);
      System.out.printf(
          Locale.ROOT,
          "## world 'small' (%d layers x %d, vocab %d), LoRA r=%d alpha=%.0f on %s: P = %,d;"
              + " %d batches of %d samples, %d-%d tokens (prompt %d), d = %d%n",
          c.numLayers(),
          c.hiddenSize(),
          c.vocabSize(),
          lc.rank(),
          lc.alpha(),
          lc.targetModules(),
          pCount,
          batches,
          BATCH,
          TOKENS - 3,
          TOKENS,
          PROMPT,
          DIM);
      Adam.State st = state(ad, 5);
      Adam.Hyper h = Adam.Hyper.paper();
      RademacherProjector proj = GradientFeatures.projector(ad, DIM, 42, projThreads);
      Spec adam = new Spec(Mode.ADAM, st, h, proj);
      Spec raw = new Spec(Mode.PLAIN, null, null, null);
      Projection exact = Projection.EXACT;
      Projection fast = new Projection(false, chunk, Projection.FAST.chunkBytes());
      // warm-up: JIT and libtorch's first calls
      for (int i = 0; i < 2; i++) {
        time(model, samples.subList(0, BATCH), adam, exact);
        time(model, samples.subList(0, 2 * BATCH), adam, fast);
        time(model, samples.subList(0, BATCH), raw, fast);
      }
      Timing tRaw = best(3, () -> time(model, samples, raw, fast));
      Timing tExact = best(3, () -> time(model, samples, adam, exact));
      Timing tFast = best(3, () -> time(model, samples, adam, fast));
      int chunkUsed = Math.min(samples.size(), fast.chunkRows());
      report("unprojected PLAIN (baseline)", tRaw);
      report("ADAM (Eq. 6), d = " + DIM + ", exact", tExact);
      report("ADAM (Eq. 6), d = " + DIM + ", fast", tFast);
      System.out.printf(
          Locale.ROOT,
          "features/s at d = %d: exact %.1f, fast %.1f (fast: float32 sgemm, chunks of %d"
              + " samples)%n",
          DIM,
          tExact.rows() / (tExact.totalNanos() / 1e9),
          tFast.rows() / (tFast.totalNanos() / 1e9),
          chunkUsed);
      System.out.printf(
          Locale.ROOT,
          "RATIO projection / backward, exact = %.2f (batches of %d)%n",
          tExact.projectionOverBackward(),
          BATCH);
      System.out.printf(
          Locale.ROOT,
          "RATIO projection / backward, fast = %.2f (chunks of %d samples; target <= 0.5)%n",
          tFast.projectionOverBackward(),
          chunkUsed);
      System.out.printf(
          Locale.ROOT,
          "RATIO features/s projected ADAM fast / unprojected PLAIN = %.2f%n",
          (double) tRaw.totalNanos() / tFast.totalNanos());
    }
  }

  static void report(String what, Timing t) {
    double s = t.totalNanos() / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-32s %7.1f features/s; per batch of %d: backward %.1f ms, direction %.1f ms,"
            + " projection %.1f ms%n",
        what,
        t.rows() / s,
        BATCH,
        t.backwardNanos() / 1e6 / t.batches(),
        t.directionNanos() / 1e6 / t.batches(),
        t.projectionNanos() / 1e6 / t.batches());
  }

  static Timing time(Transformer model, List<Sample> samples, Spec spec, Projection projection) {
    return GradientFeatures.compute(
        model, "policy", samples, spec, BATCH, projection, (first, rows) -> {});
  }

  /** The run of least total time out of {@code reps}. */
  static Timing best(int reps, java.util.function.Supplier<Timing> run) {
    Timing best = null;
    for (int i = 0; i < reps; i++) {
      Timing t = run.get();
      if (best == null || t.totalNanos() < best.totalNanos()) {
        best = t;
      }
    }
    return best;
  }
}
