package org.ugda.core.train;

import ai.djl.Device;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.Rng;

/**
 * A stress harness for the "finite loss, non-finite gradient" defect: trains a small LoRA model
 * through core's real forward, loss, tape, clipping and Adam, checks every step's gradient for
 * finiteness, and compares every step's gradient norm and the final weights bit for bit with a
 * reference run. Not a test: run it by hand, several JVMs at once and/or with {@code --gc thread}
 * (a daemon calling {@code System.gc()} in a loop), always bounded in runs and seconds.
 *
 * <pre>
 * java -cp CP org.ugda.core.train.TrainingStress --write-reference ref.bin
 * java -cp CP org.ugda.core.train.TrainingStress --reference ref.bin --runs 20 --seconds 120 --gc thread
 * </pre>
 *
 * It prints one line per run and a summary line {@code STRESS runs=.. nonFiniteSteps=..
 * stepMismatches=.. weightMismatchRuns=..}.
 */
public final class TrainingStress {
  private TrainingStress() {}

  static final int STEPS = 60;
  static final int ACCUMULATION = 2;
  static final int BATCH = 4;

  /** One run: each step's gradient norm (before clipping) and the final adapter weights. */
  record Run(double[] norms, float[] weights, int nonFiniteSteps) {}

  static List<SupervisedTrainer.Example> data() {
    SplittableRandom r = Rng.stream(7, "stress-data");
    List<SupervisedTrainer.Example> out = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      long[] s = new long[8 + r.nextInt(8)];
      s[0] = 1;
      for (int t = 1; t < s.length - 1; t++) {
        s[t] = 3 + r.nextInt(60);
      }
      s[s.length - 1] = 2;
      out.add(new SupervisedTrainer.Example(s, 0));
    }
    return out;
  }

  /**
   * One training run from the same seed. A step whose gradient is non-finite is counted and
   * recomputed (as TrainingLoop's retry did before the fix) so the run can go on and its weights be
   * compared.
   */
  static Run train(int steps) {
    List<SupervisedTrainer.Example> data = data();
    LoraConfig lc = new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, false, null);
    try (Transformer m = Transformer.initialise(OptimizerTest.tiny(), 1, Device.cpu())) {
      LoraAdapter ad = m.addAdapter("a", lc, 2);
      ad.setTrainable(true);
      List<NamedArray> params = ad.parameters();
      double[] norms = new double[steps];
      int nonFinite = 0;
      try (Adam adam = new Adam(params, Adam.Hyper.paper())) {
        for (int s = 0; s < steps; s++) {
          double norm = accumulate(m, params, data, s);
          if (!Double.isFinite(norm)) {
            nonFinite++;
            norm = accumulate(m, params, data, s);
            if (!Double.isFinite(norm)) {
              throw new NonFiniteException("step " + (s + 1) + ": non-finite twice");
            }
          }
          norms[s] = norm;
          Gradients.clip(params, 1.0);
          adam.step(1e-2);
        }
      }
      Gradients.zero(params);
      List<float[]> parts = new ArrayList<>();
      int n = 0;
      for (var e : ad.state().values()) {
        parts.add(e.data());
        n += e.data().length;
      }
      float[] w = new float[n];
      int at = 0;
      for (float[] p : parts) {
        System.arraycopy(p, 0, w, at, p.length);
        at += p.length;
      }
      return new Run(norms, w, nonFinite);
    }
  }

  /** The micro-batches of step s, each through SupervisedTrainer's own micro-step. */
  private static double accumulate(
      Transformer m, List<NamedArray> params, List<SupervisedTrainer.Example> data, int s) {
    Gradients.zero(params);
    for (int k = 0; k < ACCUMULATION; k++) {
      int from = ((s * ACCUMULATION + k) * BATCH) % data.size();
      int[] idx = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        idx[i] = from + i;
      }
      SupervisedTrainer.microStep(m, "a", data, idx, 0, ACCUMULATION);
    }
    return Gradients.globalNorm(params);
  }

  static void write(Path f, Run r) throws IOException {
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(f))) {
      o.writeInt(r.norms().length);
      for (double d : r.norms()) {
        o.writeDouble(d);
      }
      o.writeInt(r.weights().length);
      for (float x : r.weights()) {
        o.writeFloat(x);
      }
    }
  }

  static Run read(Path f) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
      double[] norms = new double[in.readInt()];
      for (int i = 0; i < norms.length; i++) {
        norms[i] = in.readDouble();
      }
      float[] w = new float[in.readInt()];
      for (int i = 0; i < w.length; i++) {
        w[i] = in.readFloat();
      }
      return new Run(norms, w, 0);
    }
  }

  public static void main(String[] args) throws Exception {
    Path writeRef = null;
    Path ref = null;
    int runs = 1;
    long seconds = 60;
    String gc = "none";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--write-reference" -> writeRef = Path.of(args[++i]);
        case "--reference" -> ref = Path.of(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        case "--gc" -> gc = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (writeRef != null) {
      Run r = train(STEPS);
      write(writeRef, r);
      System.out.println("reference written: nonFiniteSteps=" + r.nonFiniteSteps());
      return;
    }
    Run expected = read(ref);
    if (gc.equals("thread")) {
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  System.gc();
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "stress-gc");
      t.setDaemon(true);
      t.start();
    }
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int done = 0;
    int nonFinite = 0;
    int stepMismatches = 0;
    int weightRuns = 0;
    int diverged = 0;
    while (done < runs && System.nanoTime() < deadline) {
      Run r;
      try {
        r = train(STEPS);
      } catch (NonFiniteException e) {
        done++;
        diverged++;
        System.out.println("run " + done + ": " + e.getMessage());
        continue;
      }
      done++;
      nonFinite += r.nonFiniteSteps();
      int steps = 0;
      int firstStep = -1;
      for (int s = 0; s < STEPS; s++) {
        if (Double.doubleToLongBits(r.norms()[s]) != Double.doubleToLongBits(expected.norms()[s])) {
          steps++;
          if (firstStep < 0) {
            firstStep = s + 1;
          }
        }
      }
      stepMismatches += steps;
      int elems = 0;
      double maxDiff = 0;
      for (int i = 0; i < r.weights().length; i++) {
        if (Float.floatToIntBits(r.weights()[i]) != Float.floatToIntBits(expected.weights()[i])) {
          elems++;
          maxDiff = Math.max(maxDiff, Math.abs(r.weights()[i] - expected.weights()[i]));
        }
      }
      weightRuns += elems > 0 ? 1 : 0;
      System.out.println(
          "run "
              + done
              + ": nonFiniteSteps="
              + r.nonFiniteSteps()
              + " stepsWithOtherNorm="
              + steps
              + (firstStep > 0 ? " (first at step " + firstStep + ")" : "")
              + " weightsDiffering="
              + elems
              + " maxAbsDiff="
              + maxDiff);
    }
    System.out.println(
        "STRESS runs="
            + done
            + " gc="
            + gc
            + " nonFiniteSteps="
            + nonFinite
            + " divergedRuns="
            + diverged
            + " stepMismatches="
            + stepMismatches
            + " weightMismatchRuns="
            + weightRuns);
  }
}
