package org.ugda.selection.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.binary.FloatMatrix;
import org.ugda.api.selection.Aggregation;
import org.ugda.api.selection.InfluenceForm;
import org.ugda.api.selection.Strategy;
import org.ugda.selection.influence.Directions;
import org.ugda.selection.influence.Selector;

/**
 * {@code ugda bench selection}: the selection of {@link Selector} (Eq. 9-12) over a synthetic,
 * seeded log of 100,000 samples at d = 8192 with 2 checkpoints and 2 validation subtasks ({@code
 * helpful}, {@code harmless}, 4 validation gradients each, the paper's form), strategy {@code ugda}
 * with gamma = eta = 0.5: 50,000 samples need a feature per checkpoint, 100,000 feature rows (3.3
 * GB as float32), 25,000 are kept. Two modes, each in a child JVM of its own so that each has its
 * own heap limit and its own peak:
 *
 * <ul>
 *   <li>{@code streaming} ({@code -Xmx1g}, the figure): features arrive in batches of 256 rows as
 *       {@link FloatMatrices} bodies, as policy-service sends them; each body is decoded row by row
 *       into one reused row, scored against the subtasks' directions and dropped;
 *   <li>{@code naive} ({@code -Xmx6g}, the baseline): every feature the selection needs is decoded
 *       and held first (all checkpoints), then scored and selected from memory.
 * </ul>
 *
 * <p>What is timed: {@link Selector#pool} and {@link Selector#select}, with everything the service
 * itself does for the features (decoding the bodies, holding them in the naive mode, scoring),
 * minus the time spent making the features (a seeded generator and the encoding of its bodies, the
 * stand-in for policy-service's gradient computation, which the figure excludes). Peak heap: the
 * sum over the child's heap pools of their peak use (an upper bound: garbage not yet collected
 * counts) and the largest heap left after any collection (what was live). In the naive mode the
 * collections that the generator's allocations set off, copying the features already held, fall in
 * the excluded time, so its figure is if anything too low. Both modes must keep the same samples (a
 * SHA-256 of the sorted kept ids) and give the same scores (a SHA-256 of every aggregate's bits);
 * the run exits 1 when they differ or a mode fails.
 *
 * <p>Options: {@code --samples N} (100000), {@code --dim D} (8192), {@code --checkpoints C} (2),
 * {@code --batch B} (256), {@code --seed S} (7), {@code --rounds R} (1; alternating modes, the
 * ratio of the best times), {@code --streaming-xmx} (1g), {@code --naive-xmx} (6g). The parent's
 * own JVM options, less heap sizes, pass to the children.
 */
public final class SelectionBench {
  private SelectionBench() {}

  static final String RESULT = "SELECTION-BENCH-RESULT";
  static final int SUBTASKS = 2;
  static final int VALIDATION_EXAMPLES = 4;

  /** The bench's sizes, parsed from the command line. */
  record Options(
      int samples,
      int dim,
      int checkpoints,
      int batch,
      long seed,
      int rounds,
      String streamingXmx,
      String naiveXmx) {

    static Options parse(List<String> args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("--") || i + 1 >= args.size()) {
          throw new IllegalArgumentException("expected --option value, got '" + a + "'");
        }
        m.put(a.substring(2), args.get(++i));
      }
      Options o =
          new Options(
              Integer.parseInt(m.getOrDefault("samples", "100000")),
              Integer.parseInt(m.getOrDefault("dim", "8192")),
              Integer.parseInt(m.getOrDefault("checkpoints", "2")),
              Integer.parseInt(m.getOrDefault("batch", "256")),
              Long.parseLong(m.getOrDefault("seed", "7")),
              Integer.parseInt(m.getOrDefault("rounds", "1")),
              m.getOrDefault("streaming-xmx", "1g"),
              m.getOrDefault("naive-xmx", "6g"));
      m.keySet()
          .removeAll(
              List.of(
                  "samples",
                  "dim",
                  "checkpoints",
                  "batch",
                  "seed",
                  "rounds",
                  "streaming-xmx",
                  "naive-xmx"));
      if (!m.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown option(s) "
                + m.keySet()
                + "; known: --samples --dim --checkpoints --batch --seed --rounds"
                + " --streaming-xmx --naive-xmx");
      }
      if (o.samples < 4 || o.dim < 1 || o.checkpoints < 1 || o.batch < 1 || o.rounds < 1) {
        throw new IllegalArgumentException("sizes must be positive (samples at least 4): " + o);
      }
      return o;
    }

    List<String> asArgs() {
      return List.of(
          "--samples", "" + samples,
          "--dim", "" + dim,
          "--checkpoints", "" + checkpoints,
          "--batch", "" + batch,
          "--seed", "" + seed);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> list = new ArrayList<>(Arrays.asList(args));
    if (!list.isEmpty() && list.get(0).equals("--help")) {
      System.out.println(
          "usage: ./ugda bench selection [--samples N] [--dim D] [--checkpoints C] [--batch B]"
              + " [--seed S] [--rounds R] [--streaming-xmx 1g] [--naive-xmx 6g]");
      return;
    }
    if (!list.isEmpty() && list.get(0).equals("--child")) {
      String mode = list.get(1);
      Options o = Options.parse(list.subList(2, list.size()));
      child(mode, o);
      return;
    }
    Options o;
    try {
      o = Options.parse(list);
    } catch (IllegalArgumentException e) {
      System.err.println("ugda bench selection: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(parent(o));
  }

  // ---------------------------------------------------------------- parent

  static int parent(Options o) throws Exception {
    Log log = Log.of(o);
    Selector.Pool pool = Selector.pool(log.ids, log.variance, log.plan);
    long rowsNeeded = (long) pool.influenceRows().length * o.checkpoints;
    System.out.printf(
        Locale.ROOT,
        "# selection bench: %,d logged samples, d = %d, %d checkpoints, %d subtasks (paper form,"
            + " %d validation gradients each), strategy ugda, gamma = eta = 0.5, aggregation mean;"
            + " %,d samples need features per checkpoint (%,d rows, %.2f GB as float32), %,d kept;"
            + " batches of %d; %d cores%n",
        o.samples,
        o.dim,
        o.checkpoints,
        SUBTASKS,
        VALIDATION_EXAMPLES,
        pool.influenceRows().length,
        rowsNeeded,
        rowsNeeded * o.dim * 4.0 / 1e9,
        pool.budget(),
        o.batch,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "# timed: Selector.pool + Selector.select with the service's share of the features"
            + " (decode, hold (naive), score); excluded: making the features (seeded generator +"
            + " encoding the bodies), the stand-in for the gradient computation");
    List<ChildResult> streaming = new ArrayList<>();
    List<ChildResult> naive = new ArrayList<>();
    for (int r = 0; r < o.rounds; r++) {
      streaming.add(runChild("streaming", o.streamingXmx, o));
      naive.add(runChild("naive", o.naiveXmx, o));
    }
    ChildResult s = best(streaming);
    ChildResult n = best(naive);
    boolean streamingOk = streaming.stream().allMatch(ChildResult::ok);
    boolean naiveOk = naive.stream().allMatch(ChildResult::ok);
    if (!streamingOk || !naiveOk) {
      System.out.printf(
          Locale.ROOT,
          "RESULT FAIL: streaming at -Xmx%s %s; naive at -Xmx%s %s%n",
          o.streamingXmx,
          streamingOk ? "passed" : "FAILED",
          o.naiveXmx,
          naiveOk ? "passed" : "FAILED");
      return 1;
    }
    boolean identical =
        streaming.stream()
            .allMatch(
                c ->
                    c.value("kept").equals(n.value("kept"))
                        && c.value("fingerprint").equals(n.value("fingerprint"))
                        && c.value("scores").equals(n.value("scores")));
    identical &=
        naive.stream()
            .allMatch(
                c ->
                    c.value("fingerprint").equals(n.value("fingerprint"))
                        && c.value("scores").equals(n.value("scores")));
    double peakS = s.number("peak") / 1e6;
    double peakN = n.number("peak") / 1e6;
    System.out.printf(
        Locale.ROOT,
        "RATIO selection time streaming / naive = %.2f (%.2f s vs %.2f s%s); peak heap %.0f MB vs"
            + " %.0f MB (%.2f), streaming %s 1 GB; -Xmx%s %s; selections identical: %s (%s kept,"
            + " ids %s, scores %s)%n",
        s.number("selection_ns") / n.number("selection_ns"),
        s.number("selection_ns") / 1e9,
        n.number("selection_ns") / 1e9,
        o.rounds > 1 ? ", best of " + o.rounds : "",
        peakS,
        peakN,
        peakS / peakN,
        s.number("peak") <= 1024.0 * 1024 * 1024 ? "<=" : "OVER",
        o.streamingXmx,
        "PASS",
        identical ? "yes" : "NO",
        n.value("kept"),
        n.value("fingerprint"),
        n.value("scores"));
    return identical ? 0 : 1;
  }

  static ChildResult best(List<ChildResult> runs) {
    ChildResult best = null;
    for (ChildResult c : runs) {
      if (c.ok() && (best == null || c.number("selection_ns") < best.number("selection_ns"))) {
        best = c;
      }
    }
    return best == null ? runs.get(0) : best;
  }

  /** What one child JVM reported: its exit status and its {@code key=value} result line. */
  record ChildResult(String mode, int exit, Map<String, String> values) {
    boolean ok() {
      return exit == 0 && values.containsKey("fingerprint");
    }

    String value(String key) {
      return values.getOrDefault(key, "?");
    }

    double number(String key) {
      return Double.parseDouble(values.getOrDefault(key, "NaN"));
    }
  }

  static ChildResult runChild(String mode, String xmx, Options o) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx")
          && !a.startsWith("-Xms")
          && !a.startsWith("-XX:MaxHeapSize")
          && !a.startsWith("-XX:InitialHeapSize")
          && !a.startsWith("-XX:MaxRAM")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + xmx);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SelectionBench.class.getName());
    cmd.add("--child");
    cmd.add(mode);
    cmd.addAll(o.asArgs());
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, String> values = new LinkedHashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(RESULT + " ")) {
          for (String kv : line.substring(RESULT.length() + 1).split(" ")) {
            int eq = kv.indexOf('=');
            values.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        } else {
          System.out.println(line);
        }
      }
    }
    int exit = p.waitFor();
    ChildResult c = new ChildResult(mode, exit, values);
    String label = String.format(Locale.ROOT, "%-9s (-Xmx%s):", mode, xmx);
    if (!c.ok()) {
      System.out.printf(
          Locale.ROOT,
          "%s FAILED (exit %d%s)%n",
          label,
          exit,
          values.containsKey("error") ? ": " + values.get("error").replace('_', ' ') : "");
      return c;
    }
    System.out.printf(
        Locale.ROOT,
        "%s selection %.2f s (%s %.2f s, score %.2f s, the rest of Eq. 9-12 %.2f s);"
            + " excluded: making the features %.2f s; wall %.2f s; peak heap %.0f MB (live"
            + " after GC at most %.0f MB, max heap %.0f MB, %s GCs); kept %s, ids %s, scores %s%n",
        label,
        c.number("selection_ns") / 1e9,
        mode.equals("naive") ? "decode and hold all" : "decode",
        (c.number("decode_ns") + c.number("hold_ns")) / 1e9,
        c.number("score_ns") / 1e9,
        c.number("rest_ns") / 1e9,
        c.number("gen_ns") / 1e9,
        c.number("wall_ns") / 1e9,
        c.number("peak") / 1e6,
        c.number("live") / 1e6,
        c.number("max_heap") / 1e6,
        c.value("gcs"),
        c.value("kept"),
        c.value("fingerprint"),
        c.value("scores"));
    return c;
  }

  // ---------------------------------------------------------------- the synthetic log

  /**
   * The seeded log: ids, ensemble variances (lognormal), checkpoint weights, the validation
   * directions per checkpoint (paper form) and the plan.
   */
  static final class Log {
    final Options o;
    final long[] ids;
    final double[] variance;
    final double[] weights;
    final float[][][] directions; // [checkpoint][subtask][d]
    final Selector.Plan plan;

    private Log(Options o) {
      this.o = o;
      SplittableRandom rnd = new SplittableRandom(o.seed);
      ids = new long[o.samples];
      variance = new double[o.samples];
      for (int s = 0; s < o.samples; s++) {
        ids[s] = 1 + s;
        variance[s] = Math.exp(0.5 * rnd.nextGaussian() - 3);
      }
      weights = new double[o.checkpoints];
      for (int c = 0; c < o.checkpoints; c++) {
        weights[c] = 1e-4 / (1 + c); // a decaying learning rate's epoch means
      }
      float[][] base = new float[SUBTASKS][o.dim];
      for (float[] b : base) {
        for (int k = 0; k < o.dim; k++) {
          b[k] = (float) rnd.nextGaussian();
        }
      }
      directions = new float[o.checkpoints][SUBTASKS][];
      float[] v = new float[o.dim];
      for (int c = 0; c < o.checkpoints; c++) {
        for (int j = 0; j < SUBTASKS; j++) {
          // each checkpoint's subtask drifts a little from the subtask's base; its examples
          // scatter around that
          Directions.Builder b = new Directions.Builder(InfluenceForm.PAPER, o.dim);
          float[] drift = new float[o.dim];
          for (int k = 0; k < o.dim; k++) {
            drift[k] = base[j][k] + 0.3f * (float) rnd.nextGaussian();
          }
          for (int e = 0; e < VALIDATION_EXAMPLES; e++) {
            for (int k = 0; k < o.dim; k++) {
              v[k] = drift[k] + (float) rnd.nextGaussian();
            }
            b.add(v);
          }
          directions[c][j] = b.build();
        }
      }
      plan =
          new Selector.Plan(
              Strategy.UGDA, 0.5, 0.5, null, null, Aggregation.MEAN, weights, SUBTASKS, o.seed);
    }

    static Log of(Options o) {
      return new Log(o);
    }

    /**
     * The features of {@code rows[from..to)} at {@code checkpoint}, encoded as policy-service sends
     * them: one {@link FloatMatrices} body of (to - from) x d. Each row is deterministic in (seed,
     * sample id, checkpoint): a sample-specific mix of the two subtasks' directions at that
     * checkpoint plus uniform noise, so that cosines spread over about -0.4..0.4 and the ranks are
     * not trivial.
     */
    byte[] body(int checkpoint, int[] rows, int from, int to) {
      int d = o.dim;
      float[] data = new float[(to - from) * d];
      float scale = (float) Math.sqrt(d);
      float[] wh = directions[checkpoint][0];
      float[] wx = directions[checkpoint][1];
      for (int t = from; t < to; t++) {
        long id = ids[rows[t]];
        SplittableRandom sample = new SplittableRandom(mix(o.seed, id, -1));
        SplittableRandom r = new SplittableRandom(mix(o.seed, id, checkpoint));
        float ah = scale * (float) (0.2 * sample.nextGaussian() + 0.05 * r.nextGaussian());
        float ax = scale * (float) (0.2 * sample.nextGaussian() + 0.05 * r.nextGaussian());
        int at = (t - from) * d;
        for (int k = 0; k + 1 < d; k += 2) {
          long bits = r.nextLong();
          data[at + k] = ah * wh[k] + ax * wx[k] + (int) bits * 0x1p-31f;
          data[at + k + 1] = ah * wh[k + 1] + ax * wx[k + 1] + (int) (bits >>> 32) * 0x1p-31f;
        }
        if ((d & 1) == 1) {
          data[at + d - 1] = ah * wh[d - 1] + ax * wx[d - 1] + (int) r.nextLong() * 0x1p-31f;
        }
      }
      return FloatMatrices.toBytes(new FloatMatrix(new long[] {to - from, d}, data));
    }

    static long mix(long seed, long id, long checkpoint) {
      long z = seed * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L + checkpoint;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  // ---------------------------------------------------------------- children

  /** Nanoseconds spent per part; the generator's share is subtracted from the selection's. */
  static final class Clock {
    long gen;
    long decode;
    long hold;
    long score;
  }

  static void child(String mode, Options o) {
    HeapWatch watch = HeapWatch.start();
    Log log = Log.of(o);
    Clock clock = new Clock();
    Selector.Result result;
    long t0 = System.nanoTime();
    try {
      Selector.Pool pool = Selector.pool(log.ids, log.variance, log.plan);
      Selector.CosineSource source =
          switch (mode) {
            case "streaming" -> streaming(log, clock);
            case "naive" -> naive(log, pool, clock);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
          };
      result = Selector.select(log.ids, pool, log.plan, source);
    } catch (OutOfMemoryError e) {
      System.out.println(RESULT + " error=OutOfMemoryError:_" + describe(e));
      System.exit(3);
      return;
    }
    long wall = System.nanoTime() - t0;
    long selection = wall - clock.gen;
    long rest = selection - clock.decode - clock.hold - clock.score;
    long[] kept = new long[result.keptSize()];
    int t = 0;
    for (int s = 0; s < log.ids.length; s++) {
      if (result.kept()[s]) {
        kept[t++] = log.ids[s];
      }
    }
    Arrays.sort(kept);
    ByteBuffer scores = ByteBuffer.allocate(8 * result.aggregate().length);
    for (double a : result.aggregate()) {
      scores.putLong(Double.doubleToLongBits(a));
    }
    ByteBuffer keptBytes = ByteBuffer.allocate(8 * kept.length);
    for (long id : kept) {
      keptBytes.putLong(id);
    }
    System.out.printf(
        Locale.ROOT,
        "%s mode=%s selection_ns=%d gen_ns=%d decode_ns=%d hold_ns=%d score_ns=%d rest_ns=%d"
            + " wall_ns=%d peak=%d live=%d max_heap=%d gcs=%d kept=%d fingerprint=%s scores=%s%n",
        RESULT,
        mode,
        selection,
        clock.gen,
        clock.decode,
        clock.hold,
        clock.score,
        rest,
        wall,
        watch.peak(),
        watch.live(),
        Runtime.getRuntime().maxMemory(),
        watch.collections(),
        kept.length,
        sha256(keptBytes.array()),
        sha256(scores.array()));
  }

  static String describe(OutOfMemoryError e) {
    return (e.getMessage() == null ? "" : e.getMessage()).replace(' ', '_');
  }

  /**
   * Streaming: per batch, the body comes (generated: excluded), is decoded row by row into one
   * reused row and each row is scored; nothing outlives its batch but the scores.
   */
  static Selector.CosineSource streaming(Log log, Clock clock) {
    return (checkpoint, rows, sink) -> {
      float[][] w = log.directions[checkpoint];
      float[] row = new float[log.o.dim];
      for (int from = 0; from < rows.length; from += log.o.batch) {
        int to = Math.min(rows.length, from + log.o.batch);
        long g0 = System.nanoTime();
        byte[] body = log.body(checkpoint, rows, from, to);
        long g1 = System.nanoTime();
        clock.gen += g1 - g0;
        try {
          FloatMatrices.Reader reader = FloatMatrices.reader(new ByteArrayInputStream(body));
          if (reader.rows() != to - from || reader.rowLength() != log.o.dim) {
            throw new IllegalStateException("a body of shape " + Arrays.toString(reader.shape()));
          }
          long decode = 0;
          long score = 0;
          for (int t = from; t < to; t++) {
            long a = System.nanoTime();
            reader.nextRow(row, 0);
            long b = System.nanoTime();
            double[] out = new double[SUBTASKS];
            Directions.score(row, w, out);
            sink.accept(rows[t], out);
            decode += b - a;
            score += System.nanoTime() - b;
          }
          clock.decode += decode;
          clock.score += score;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /**
   * Naive: every feature of the pool at every checkpoint is decoded and held before anything is
   * scored (the bodies come in the same batches, generated: excluded); the source then scores from
   * memory.
   */
  static Selector.CosineSource naive(Log log, Selector.Pool pool, Clock clock) {
    int[] rows = pool.influenceRows();
    float[][][] held = new float[log.o.checkpoints][rows.length][];
    for (int c = 0; c < log.o.checkpoints; c++) {
      for (int from = 0; from < rows.length; from += log.o.batch) {
        int to = Math.min(rows.length, from + log.o.batch);
        long g0 = System.nanoTime();
        byte[] body = log.body(c, rows, from, to);
        long g1 = System.nanoTime();
        clock.gen += g1 - g0;
        try {
          FloatMatrices.Reader reader = FloatMatrices.reader(new ByteArrayInputStream(body));
          for (int t = from; t < to; t++) {
            held[c][t] = reader.nextRow();
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        clock.hold += System.nanoTime() - g1;
      }
    }
    return (checkpoint, asked, sink) -> {
      if (asked != rows) {
        throw new IllegalStateException("the selection asked for other rows than the pool's");
      }
      long a = System.nanoTime();
      float[][] w = log.directions[checkpoint];
      for (int t = 0; t < asked.length; t++) {
        double[] out = new double[SUBTASKS];
        Directions.score(held[checkpoint][t], w, out);
        sink.accept(asked[t], out);
      }
      clock.score += System.nanoTime() - a;
    };
  }

  static String sha256(byte[] bytes) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- heap

  /**
   * The child's peak heap: the sum of the heap pools' peak use, and the largest heap in use right
   * after a collection (from GC notifications).
   */
  static final class HeapWatch {
    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();

    static HeapWatch start() {
      HeapWatch w = new HeapWatch();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          p.resetPeakUsage();
          w.pools.add(p);
        }
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter emitter) {
          emitter.addNotificationListener(
              (n, handback) -> {
                if (!n.getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e :
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (w.isHeap(e.getKey())) {
                    used += e.getValue().getUsed();
                  }
                }
                w.live.accumulateAndGet(used, Math::max);
                w.collections.incrementAndGet();
              },
              null,
              null);
        }
      }
      return w;
    }

    private boolean isHeap(String pool) {
      for (MemoryPoolMXBean p : pools) {
        if (p.getName().equals(pool)) {
          return true;
        }
      }
      return false;
    }

    long peak() {
      long sum = 0;
      for (MemoryPoolMXBean p : pools) {
        sum += p.getPeakUsage().getUsed();
      }
      return sum;
    }

    long live() {
      return live.get();
    }

    long collections() {
      return collections.get();
    }
  }
}
