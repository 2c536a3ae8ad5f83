package org.ugda.core.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.projection.RademacherProjector;

/**
 * {@code ugda bench [generation|forward|projection|all]}: the foundation's benchmarks, each
 * printing its figure as a ratio against a baseline measured in the same run.
 */
public final class CoreBench {
  private CoreBench() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    int threads = Integer.getInteger("ugda.threads", 1);
    DjlRuntime.setThreads(threads);
    System.out.printf(
        Locale.ROOT,
        "# core benchmarks: %d libtorch thread(s), %d cores, %s%n",
        threads,
        Runtime.getRuntime().availableProcessors(),
        DjlRuntime.engine().getVersion());
    switch (which) {
      case "generation" -> generation();
      case "forward" -> forward();
      case "projection" -> projection();
      case "all" -> {
        generation();
        forward();
        projection();
      }
      default -> {
        System.err.println("usage: ugda bench [generation|forward|projection|all]");
        System.exit(2);
      }
    }
  }

  /** The benchmark model: Llama family, 4 layers, 256 wide, GQA 8 heads over 4 KV heads. */
  static ModelConfig benchModel() {
    return ModelConfig.llama(1024, 256, 1024, 4, 8, 4, 4096);
  }

  static List<long[]> prompts(int rows, int len, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      long[] p = new long[len - (i % 4)];
      for (int j = 0; j < p.length; j++) {
        p[j] = 3 + r.nextInt(vocab - 3);
      }
      out.add(p);
    }
    return out;
  }

  static void generation() {
    System.out.println(
        "## generation: batch 8, 64 new tokens, 4 layers x 256 wide, prompts of 29-32 tokens");
    try (Transformer model = Transformer.initialise(benchModel(), 1, Device.cpu())) {
      List<long[]> prompts = prompts(8, 32, model.config().vocabSize(), 7);
      // no EOS: every row generates all 64 tokens in both modes
      GenerationConfig cached = new GenerationConfig(64, 1.0, 0, 0.9, 42, List.of(), true);
      GenerationConfig recompute = cached.withCache(false);
      Generator.generate(model, null, prompts, cached);
      Generator.generate(model, null, prompts, recompute);
      double tCache = best(3, () -> Generator.generate(model, null, prompts, cached));
      double tFull = best(3, () -> Generator.generate(model, null, prompts, recompute));
      double tokens = 8 * 64;
      System.out.printf(
          Locale.ROOT, "kv-cache:  %8.1f tokens/s (%.3f s)%n", tokens / tCache, tCache);
      System.out.printf(Locale.ROOT, "recompute: %8.1f tokens/s (%.3f s)%n", tokens / tFull, tFull);
      System.out.printf(
          Locale.ROOT, "RATIO kv-cache / recompute = %.2fx (target >= 5x)%n", tFull / tCache);
    }
  }

  static void forward() {
    System.out.println(
        "## forward throughput vs the engine's peak matmul rate (same thread count)");
    double peak = peakMatmul();
    try (Transformer model = Transformer.initialise(benchModel(), 1, Device.cpu())) {
      ModelConfig c = model.config();
      for (int[] bt : new int[][] {{8, 128}, {8, 256}}) {
        int rows = bt[0];
        int cols = bt[1];
        List<long[]> seqs = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < rows; i++) {
          long[] s = new long[cols];
          for (int j = 0; j < cols; j++) {
            s[j] = 3 + r.nextInt(c.vocabSize() - 3);
          }
          seqs.add(s);
        }
        TokenBatch batch = TokenBatch.rightPadded(seqs, 0);
        Runnable fwd =
            () -> {
              try (NDManager scope = model.newScope()) {
                model.forward(scope, batch, ForwardOptions.logits(null)).logits().toFloatArray();
              }
            };
        fwd.run();
        double t = best(5, fwd);
        double flops = forwardFlops(c, rows, cols);
        double rate = flops / t / 1e9;
        System.out.printf(
            Locale.ROOT,
            "forward B=%d T=%d: %.4f s, %.2f GFLOP (matmul FLOPs), %.1f GFLOP/s%n",
            rows,
            cols,
            t,
            flops / 1e9,
            rate);
        System.out.printf(
            Locale.ROOT, "RATIO forward / peak matmul = %.1f%% (aim > 30%%)%n", 100 * rate / peak);
      }
    }
  }

  /** 2 * multiply-adds of every matmul in the forward pass (linear layers, attention, LM head). */
  static double forwardFlops(ModelConfig c, int rows, int cols) {
    double tokens = (double) rows * cols;
    double h = c.hiddenSize();
    double qkvo = h * c.numHeads() * c.headDim() * 2 + h * c.numKvHeads() * c.headDim() * 2;
    double mlp = 3 * h * c.intermediateSize();
    double attn = 2.0 * c.numHeads() * c.headDim() * cols; // QK^T and AV per query token
    double perLayer = 2 * tokens * (qkvo + mlp + attn);
    return c.numLayers() * perLayer + 2 * tokens * h * c.vocabSize();
  }

  /** The engine's matmul rate on this machine: best of square float32 matmuls of 512..2048. */
  static double peakMatmul() {
    double best = 0;
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (int n : new int[] {512, 1024, 2048}) {
        NDArray a = m.randomNormal(new Shape(n, n));
        NDArray b = m.randomNormal(new Shape(n, n));
        a.matMul(b).close();
        double t = best(5, () -> a.matMul(b).close());
        double rate = 2.0 * n * n * n / t / 1e9;
        System.out.printf(Locale.ROOT, "peak matmul %dx%d: %.1f GFLOP/s%n", n, n, rate);
        best = Math.max(best, rate);
      }
    }
    return best;
  }

  static void projection() {
    int p = 1_000_000;
    int d = 8192;
    System.out.printf(
        Locale.ROOT,
        "## projection: P = %,d to d = %d (Rademacher, generated from the seed)%n",
        p,
        d);
    SplittableRandom r = new SplittableRandom(5);
    int batch = 8;
    float[][] grads = new float[batch][p];
    for (float[] g : grads) {
      for (int i = 0; i < p; i++) {
        g[i] = (float) r.nextGaussian();
      }
    }
    int threads = Integer.getInteger("ugda.projection.threads", 1);
    RademacherProjector proj = new RademacherProjector(p, d, 11, threads);
    proj.project(grads[0]);
    // every byte the projection allocates (an upper bound on its extra memory: nothing is native)
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long a0 = mx.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    float[] one = proj.project(grads[0]);
    double tOne = (System.nanoTime() - t0) / 1e9;
    long peakOne = mx.getCurrentThreadAllocatedBytes() - a0;
    a0 = mx.getCurrentThreadAllocatedBytes();
    t0 = System.nanoTime();
    float[][] many = proj.project(grads);
    double tMany = (System.nanoTime() - t0) / 1e9;
    long peakMany = mx.getCurrentThreadAllocatedBytes() - a0;
    // baseline: the textbook loop, one sign per (row, column), on the first 1/64 of the rows
    int sub = p / 64;
    t0 = System.nanoTime();
    double[] y = new double[d];
    for (int i = 0; i < sub; i++) {
      float gi = grads[0][i];
      for (int j = 0; j < d; j++) {
        y[j] += proj.sign(i, j) * gi;
      }
    }
    double tNaive = (System.nanoTime() - t0) / 1e9 * 64;
    if (Math.abs(y[0]) < 0 && one.length != d) {
      throw new IllegalStateException();
    }
    System.out.printf(
        Locale.ROOT,
        "batch of 1: %.3f s per sample, allocated %.2f MB in all (no native memory)%n",
        tOne,
        peakOne / 1e6);
    System.out.printf(
        Locale.ROOT,
        "batch of %d: %.3f s per sample, allocated %.2f MB in all (target: peak extra < 256 MB)%n",
        batch,
        tMany / batch,
        peakMany / 1e6);
    System.out.printf(
        Locale.ROOT,
        "baseline per-entry sign loop: %.1f s per sample (timed on P/64, x64)%n",
        tNaive);
    System.out.printf(
        Locale.ROOT, "RATIO per-entry loop / table projection = %.1fx%n", tNaive / (tMany / batch));
    System.out.printf(
        Locale.ROOT,
        "norm check: |g| = %.1f, |Pi^T g|/sqrt(d) = %.1f, first sample equal in both runs: %s%n",
        norm(grads[0]),
        norm(many[0]),
        Arrays.equals(one, many[0]));
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  static double best(int reps, Runnable r) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }
}
