package org.ugda.core.influence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.projection.FastRademacherProjector;
import org.ugda.core.projection.RademacherProjector;
import org.ugda.core.train.Adam;
import org.ugda.core.train.PerSampleGradients;

/**
 * Gradient features of samples at one checkpoint (DESIGN.md section 3.4): for each sample z = (x,
 * y) the gradient over the policy's LoRA parameters of its response LM loss (mean token
 * cross-entropy over the response tokens given the prompt), optionally turned into the Adam
 * direction of Eq. 6 ({@link AdamDirection}) and projected to d dimensions with the seeded
 * Rademacher matrix ({@link RademacherProjector}).
 *
 * <p>Rows are computed in batches of {@code batchSize}: one forward and one backward per batch
 * ({@link PerSampleGradients#closedForm}), then the direction per row. The projection is by default
 * {@link FastRademacherProjector} (float32 matrix products, the same matrix) over a chunk of
 * several batches ({@link Projection}: up to 256 samples and 256 MB of gradients), since generating
 * the matrix costs the same for 16 samples as for 256; {@link Projection#EXACT} projects each batch
 * with the exact projector instead. Finished batches go to a {@link BatchConsumer} in order, a
 * chunk's batches before the next chunk starts: only one chunk of gradients and its features are
 * ever held, however many samples a request has. Batches are made in the order given; row i of the
 * request is row {@code i - firstRow} of the batch that holds it. A row's features do not depend on
 * the other rows of its batch (attention never crosses rows), so any batch size gives the same
 * features (within float32 rounding where rows are padded differently, or where the fast projector
 * multiplies chunks of other sizes).
 */
public final class GradientFeatures {
  private GradientFeatures() {}

  /** The projection dimensions the paper and DESIGN.md allow (default 8192). */
  public static final SortedSet<Integer> ALLOWED_DIMS =
      Collections.unmodifiableSortedSet(new TreeSet<>(List.of(1024, 2048, 4096, 8192)));

  /** The paper's default projection dimension. */
  public static final int DEFAULT_DIM = 8192;

  /**
   * Checks that d is one of {@link #ALLOWED_DIMS}; returns it.
   *
   * @throws IllegalArgumentException naming the allowed set
   */
  public static int requireAllowedDim(int d) {
    if (!ALLOWED_DIMS.contains(d)) {
      throw new IllegalArgumentException(
          "projection dimension d = " + d + " is not allowed; choose one of " + ALLOWED_DIMS);
    }
    return d;
  }

  /**
   * The projector for {@code adapter}'s gradients at an allowed dimension {@code d}.
   *
   * @param threads workers of the projection (1 = the calling thread)
   */
  public static RademacherProjector projector(LoraAdapter adapter, int d, long seed, int threads) {
    return new RademacherProjector(adapter.parameterCount(), requireAllowedDim(d), seed, threads);
  }

  /** What a feature is. */
  public enum Mode {
    /** The plain (SGD) gradient: validation samples. */
    PLAIN,
    /** The Adam direction of Eq. 6, bias corrected: training samples. */
    ADAM,
    /** The Adam direction without bias correction, as LESS's code computes it. */
    ADAM_LESS;

    boolean adam() {
      return this != PLAIN;
    }
  }

  /**
   * One sample: prompt followed by response, as token ids.
   *
   * @param ids prompt and response tokens, no padding
   * @param promptLength tokens of the prompt; the loss covers tokens promptLength..ids.length-1, so
   *     at least one response token must follow it
   */
  public record Sample(long[] ids, int promptLength) {
    public Sample {
      if (ids == null || ids.length == 0) {
        throw new IllegalArgumentException("a sample needs at least one token");
      }
      if (promptLength < 1 || promptLength >= ids.length) {
        throw new IllegalArgumentException(
            "prompt length must be in [1, "
                + (ids.length - 1)
                + "] for a sample of "
                + ids.length
                + " tokens (at least one prompt and one response token), got "
                + promptLength);
      }
      ids = ids.clone();
    }

    @Override
    public long[] ids() {
      return ids.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sample s && promptLength == s.promptLength && Arrays.equals(ids, s.ids);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(ids) + promptLength;
    }

    @Override
    public String toString() {
      return "Sample[" + ids.length + " tokens, prompt " + promptLength + "]";
    }
  }

  /**
   * Where each part of a request's time went, in nanoseconds.
   *
   * @param rows samples computed
   * @param batches batches run
   * @param backwardNanos forward, backward and reading off the per-sample gradients
   * @param directionNanos the Adam direction (0 in PLAIN mode)
   * @param projectionNanos the Rademacher projection (0 unprojected)
   */
  public record Timing(
      int rows, int batches, long backwardNanos, long directionNanos, long projectionNanos) {

    public static final Timing ZERO = new Timing(0, 0, 0, 0, 0);

    public Timing plus(Timing o) {
      return new Timing(
          rows + o.rows,
          batches + o.batches,
          backwardNanos + o.backwardNanos,
          directionNanos + o.directionNanos,
          projectionNanos + o.projectionNanos);
    }

    public long totalNanos() {
      return backwardNanos + directionNanos + projectionNanos;
    }

    /** Projection time as a fraction of backward time (the benchmark's target is <= 0.5). */
    public double projectionOverBackward() {
      return backwardNanos == 0 ? 0 : (double) projectionNanos / backwardNanos;
    }
  }

  /** Receives each finished batch. */
  @FunctionalInterface
  public interface BatchConsumer {
    /**
     * @param firstRow index in the request of the batch's first row
     * @param features one row per sample, each P long (unprojected) or d long (projected)
     */
    void accept(int firstRow, float[][] features);
  }

  /**
   * What to compute.
   *
   * @param mode PLAIN, ADAM or ADAM_LESS
   * @param state the checkpoint's Adam state (raw moments and step count); required for the Adam
   *     modes, ignored for PLAIN
   * @param hyper the checkpoint's Adam betas and eps; required for the Adam modes
   * @param projector null for unprojected features; otherwise its d must be allowed and its P the
   *     adapter's parameter count
   */
  public record Spec(Mode mode, Adam.State state, Adam.Hyper hyper, RademacherProjector projector) {
    public Spec {
      if (mode == null) {
        throw new IllegalArgumentException(
            "a feature mode is required: one of PLAIN, ADAM, ADAM_LESS");
      }
      if (mode.adam() && (state == null || hyper == null)) {
        throw new IllegalArgumentException(
            mode + " features need the checkpoint's Adam state and hyper-parameters");
      }
      if (projector != null) {
        requireAllowedDim(projector.dim());
      }
    }

    public static Spec plain(RademacherProjector projector) {
      return new Spec(Mode.PLAIN, null, null, projector);
    }
  }

  /**
   * How projected features are computed.
   *
   * @param exact true: {@link RademacherProjector#project} (sums in double, exact up to the final
   *     rounding), batch by batch; false: {@link FastRademacherProjector} (the same matrix, float32
   *     matrix products in libtorch, within {@link FastRademacherProjector#TOLERANCE} of the exact
   *     row's norm), over chunks of several batches
   * @param chunkRows at most this many samples projected together by the fast projector (whole
   *     batches; always at least one batch): generating Pi is paid once per chunk
   * @param chunkBytes and their gradients at most this many bytes (4 P per sample)
   */
  public record Projection(boolean exact, int chunkRows, long chunkBytes) {
    /** Fast, chunks of up to 256 samples and 256 MB of gradients. */
    public static final Projection FAST = new Projection(false, 256, 256L << 20);

    /** The exact projector, batch by batch. */
    public static final Projection EXACT = new Projection(true, 1, 256L << 20);

    public Projection {
      if (chunkRows <= 0 || chunkBytes <= 0) {
        throw new IllegalArgumentException(
            "chunk rows and bytes must be positive, got " + chunkRows + " and " + chunkBytes);
      }
    }

    /**
     * {@link #FAST} unless the system property {@code ugda.projection.exact} is true; {@code
     * ugda.projection.chunk} sets the chunk's rows.
     */
    public static Projection fromSystemProperties() {
      boolean exact = Boolean.getBoolean("ugda.projection.exact");
      int rows = Integer.getInteger("ugda.projection.chunk", FAST.chunkRows());
      return new Projection(exact, rows, FAST.chunkBytes());
    }

    /** Samples per chunk for gradients of P values in batches of batchSize: whole batches. */
    int rowsPerChunk(long p, int batchSize) {
      long byBytes = chunkBytes / (4 * p);
      long rows = Math.min(chunkRows, byBytes);
      return (int) Math.max(batchSize, (rows / batchSize) * batchSize);
    }
  }

  /**
   * Computes the features of {@code samples} under {@code adapter} in batches of {@code batchSize}
   * rows, handing each batch to {@code consumer} in order; projects as {@link
   * Projection#fromSystemProperties()} says (the fast projector unless {@code
   * ugda.projection.exact=true}).
   *
   * @return the time each part took, summed over the batches
   */
  public static Timing compute(
      Transformer model,
      String adapter,
      List<Sample> samples,
      Spec spec,
      int batchSize,
      BatchConsumer consumer) {
    return compute(
        model, adapter, samples, spec, batchSize, Projection.fromSystemProperties(), consumer);
  }

  /**
   * As {@link #compute(Transformer, String, List, Spec, int, BatchConsumer)}, projecting as {@code
   * projection} says. With the fast projector, the gradients of several batches (one chunk, {@link
   * Projection#chunkRows()}) are held and projected together; the chunk's batches then go to the
   * consumer in order, each as its own call, before the next chunk starts.
   */
  public static Timing compute(
      Transformer model,
      String adapter,
      List<Sample> samples,
      Spec spec,
      int batchSize,
      Projection projection,
      BatchConsumer consumer) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (samples.isEmpty()) {
      return Timing.ZERO;
    }
    LoraAdapter ad = model.adapter(adapter);
    long p = ad.parameterCount();
    RademacherProjector proj = spec.projector();
    if (proj != null && proj.paramCount() != p) {
      throw new IllegalArgumentException(
          "the projector takes P = "
              + proj.paramCount()
              + " values, adapter '"
              + adapter
              + "' has "
              + p
              + " parameters");
    }
    FastRademacherProjector fast =
        proj == null || projection.exact() ? null : new FastRademacherProjector(proj);
    int chunkRows = fast == null ? batchSize : projection.rowsPerChunk(p, batchSize);
    AdamDirection direction = null;
    if (spec.mode().adam()) {
      direction =
          AdamDirection.forAdapter(
              ad,
              spec.state(),
              spec.hyper(),
              spec.mode() == Mode.ADAM ? AdamDirection.Variant.EQ6 : AdamDirection.Variant.LESS);
    }
    long pad = Math.max(0, model.config().padTokenId());
    ForwardOptions opts = ForwardOptions.logits(adapter);
    Timing total = Timing.ZERO;
    // the chunk being gathered: its batches' first rows and gradients
    List<Integer> firsts = new ArrayList<>();
    List<float[][]> pending = new ArrayList<>();
    int pendingRows = 0;
    for (int from = 0; from < samples.size(); from += batchSize) {
      int to = Math.min(samples.size(), from + batchSize);
      List<long[]> seqs = new ArrayList<>(to - from);
      int[] promptLen = new int[to - from];
      for (int i = from; i < to; i++) {
        Sample s = samples.get(i);
        seqs.add(s.ids);
        promptLen[i - from] = s.promptLength;
      }
      TokenBatch batch = TokenBatch.rightPadded(seqs, pad);
      long t0 = System.nanoTime();
      float[][] grads =
          PerSampleGradients.closedForm(
              model, adapter, batch, opts, PerSampleGradients.responseLm(promptLen));
      long t1 = System.nanoTime();
      if (direction != null) {
        for (float[] g : grads) {
          direction.applyInPlace(g);
        }
      }
      long t2 = System.nanoTime();
      total = total.plus(new Timing(to - from, 1, t1 - t0, t2 - t1, 0));
      if (fast == null) {
        float[][] features = proj == null ? grads : proj.project(grads);
        long t3 = System.nanoTime();
        total = total.plus(new Timing(0, 0, 0, 0, t3 - t2));
        consumer.accept(from, features);
        continue;
      }
      firsts.add(from);
      pending.add(grads);
      pendingRows += grads.length;
      if (to == samples.size() || pendingRows + batchSize > chunkRows) {
        float[][] chunk = new float[pendingRows][];
        int at = 0;
        for (float[][] b : pending) {
          System.arraycopy(b, 0, chunk, at, b.length);
          at += b.length;
        }
        long t3 = System.nanoTime();
        float[][] features = fast.project(chunk);
        long t4 = System.nanoTime();
        total = total.plus(new Timing(0, 0, 0, 0, t4 - t3));
        at = 0;
        for (int b = 0; b < pending.size(); b++) {
          int rows = pending.get(b).length;
          consumer.accept(firsts.get(b), Arrays.copyOfRange(features, at, at + rows));
          at += rows;
        }
        firsts.clear();
        pending.clear();
        pendingRows = 0;
      }
    }
    return total;
  }

  /** All features at once, [samples][P or d]: for small requests and tests. */
  public static float[][] computeAll(
      Transformer model, String adapter, List<Sample> samples, Spec spec, int batchSize) {
    float[][] out = new float[samples.size()][];
    compute(
        model,
        adapter,
        samples,
        spec,
        batchSize,
        (first, rows) -> System.arraycopy(rows, 0, out, first, rows.length));
    return out;
  }
}
