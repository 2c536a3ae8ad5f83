package org.ugda.core.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;
import org.ugda.core.influence.GradientFeatures.Sample;
import org.ugda.core.influence.GradientFeatures.Spec;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.Transformer;
import org.ugda.core.projection.RademacherProjector;

/**
 * Cosines of real LoRA gradients of the llama fixture stay, after the d = 1024 Rademacher
 * projection, within what the Johnson-Lindenstrauss bound allows around the exact cosines.
 *
 * <p><b>The bound.</b> The projection is y = Pi^T g / sqrt(d) with Pi's entries +-1 (equally
 * likely), that is Achlioptas' (2003) f(u) = R^T u / sqrt(k) with k = d. For a fixed vector x and
 * any eps > 0 each tail of ||f(x)||^2 / ||x||^2 is below exp(-d (eps^2/2 - eps^3/3) / 2), so
 * P[||f(x)||^2 outside (1 +- eps) ||x||^2] <= 2 exp(-d (eps^2/2 - eps^3/3) / 2).
 *
 * <p>For unit u, v with cosine c, suppose ||f(x)||^2 is within (1 +- eps) ||x||^2 for x = u, v, u +
 * v, u - v. Polarization gives f(u).f(v) = (||f(u+v)||^2 - ||f(u-v)||^2) / 4, and since ||u+v||^2 +
 * ||u-v||^2 = (2 + 2c) + (2 - 2c) = 4, |f(u).f(v) - c| <= eps * 4 / 4 = eps. The norms give
 * ||f(u)|| ||f(v)|| in [1 - eps, 1 + eps], so for c' = f(u).f(v) / (||f(u)|| ||f(v)||):
 *
 * <pre>
 *   |c' - c| <= |f(u).f(v) - c| / (||f(u)|| ||f(v)||) + |c| |1 / (||f(u)|| ||f(v)||) - 1|
 *            <= eps / (1 - eps) + |c| eps / (1 - eps) = eps (1 + |c|) / (1 - eps)   (eps < 1).
 * </pre>
 *
 * The cosine is scale free, so the gradients need not be normalized. For n samples the events
 * needed are the n norms ||f(u_i)|| and, per pair, ||f(u_i + u_j)|| and ||f(u_i - u_j)||: m = n +
 * n(n - 1) = n^2 events, failing together with probability at most delta = 2 m exp(-d (eps^2/2 -
 * eps^3/3) / 2) (union bound). The test solves for the smallest eps with delta <= 1e-3 and asserts
 * every pair's |c' - c| <= eps (1 + |c|) / (1 - eps). The probability is over Pi, i.e. the seed;
 * the gradients do not depend on it.
 *
 * <p>Pi comes from SplitMix64 (pseudorandom, not independent signs), and the product's projector
 * works in float32 (within {@code FastRademacherProjector.TOLERANCE} of the exact row's norm per
 * coordinate): both are outside the bound's assumptions, which is why the test checks the projector
 * the product uses ({@link GradientFeatures#compute} with {@link GradientFeatures#projector}, fast
 * by default) and the exact one on the same matrix, with no allowance added to the bound for
 * either.
 */
class ProjectionCosineBoundTest {

  static final String AD = "policy";
  static final int D = 1024;
  static final int SAMPLES = 50;
  static final long PROJECTION_SEED = 20240607L;
  static final double DELTA = 1e-3;

  static Transformer model;
  static LoraAdapter adapter;

  @BeforeAll
  static void load() throws Exception {
    Path dir = Fixtures.arch("llama");
    model = Transformer.load(dir.resolve("causal-lm"), Device.cpu());
    var ad = PeftAdapters.read(dir.resolve("lora-adapter"), model.config());
    adapter = model.addAdapter(AD, ad.config(), ad.tensors(), "fixture");
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  /** The exponent's rate eps^2/2 - eps^3/3 (increasing on (0, 1)). */
  static double rate(double eps) {
    return eps * eps / 2 - eps * eps * eps / 3;
  }

  /** Union bound over {@code events} norms: 2 m exp(-d rate(eps) / 2). */
  static double failure(double eps, int d, long events) {
    return 2.0 * events * Math.exp(-d * rate(eps) / 2);
  }

  /** The smallest eps in (0, 1) with failure(eps) <= delta, by bisection (upper end returned). */
  static double solveEps(int d, long events, double delta) {
    double lo = 0;
    double hi = 1;
    assertTrue(
        failure(hi, d, events) <= delta,
        "no eps < 1 reaches delta = " + delta + " at d = " + d + " for " + events + " events");
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (failure(mid, d, events) <= delta) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** Random token sequences: lengths 6..16, a prompt of 1..len-2 tokens, ids outside 0..2. */
  static List<Sample> randomSamples(int n, int vocab, long seed) {
    Random rnd = new Random(seed);
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = 6 + rnd.nextInt(11);
      long[] ids = new long[len];
      for (int t = 0; t < len; t++) {
        ids[t] = 3 + rnd.nextInt(vocab - 3); // clear of pad, bos and eos
      }
      int prompt = 1 + rnd.nextInt(len - 2); // at least two response tokens
      out.add(new Sample(ids, prompt));
    }
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double[] norms(float[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = Math.sqrt(dot(rows[i], rows[i]));
      assertTrue(out[i] > 0, "row " + i + " is zero: its cosine is undefined");
    }
    return out;
  }

  /**
   * Asserts each pair within the bound; returns {worst |c' - c|, mean |c' - c|, pairs, worst |c' -
   * c| / bound, min c, max c}.
   */
  static double[] checkPairs(float[][] raw, float[][] proj, double eps, String what) {
    double[] nr = norms(raw);
    double[] np = norms(proj);
    double worst = 0;
    double sum = 0;
    double worstRatio = 0;
    double minC = Double.POSITIVE_INFINITY;
    double maxC = Double.NEGATIVE_INFINITY;
    int pairs = 0;
    for (int i = 0; i < raw.length; i++) {
      for (int j = i + 1; j < raw.length; j++) {
        double c = dot(raw[i], raw[j]) / (nr[i] * nr[j]);
        double cp = dot(proj[i], proj[j]) / (np[i] * np[j]);
        double err = Math.abs(cp - c);
        double bound = eps * (1 + Math.abs(c)) / (1 - eps);
        assertTrue(
            err <= bound,
            what
                + ": pair ("
                + i
                + ", "
                + j
                + ") exact cosine "
                + c
                + ", projected "
                + cp
                + ": |diff| "
                + err
                + " > JL bound "
                + bound);
        worst = Math.max(worst, err);
        worstRatio = Math.max(worstRatio, err / bound);
        minC = Math.min(minC, c);
        maxC = Math.max(maxC, c);
        sum += err;
        pairs++;
      }
    }
    return new double[] {worst, sum / pairs, pairs, worstRatio, minC, maxC};
  }

  @Test
  void shouldKeepProjectedCosinesOfRealLoraGradientsWithinTheJlBound() {
    int vocab = model.config().vocabSize();
    List<Sample> samples = randomSamples(SAMPLES, vocab, 7L);
    long p = adapter.parameterCount();
    assertTrue(p > D, "P = " + p + " must exceed d = " + D + " for a real reduction");

    // exact (unprojected) gradients, and the product's projected features of the same samples
    float[][] raw = GradientFeatures.computeAll(model, AD, samples, Spec.plain(null), 8);
    RademacherProjector proj = GradientFeatures.projector(adapter, D, PROJECTION_SEED, 1);
    float[][] product = GradientFeatures.computeAll(model, AD, samples, Spec.plain(proj), 8);
    float[][] exactProj = proj.project(raw);
    assertEquals(SAMPLES, raw.length);
    for (int i = 0; i < SAMPLES; i++) {
      assertEquals(p, raw[i].length);
      assertEquals(D, product[i].length);
    }

    long events = (long) SAMPLES * SAMPLES; // n norms + 2 per pair (sum and difference)
    double eps = solveEps(D, events, DELTA);
    double delta = failure(eps, D, events);
    assertTrue(eps > 0 && eps < 1 && delta <= DELTA, "eps " + eps + ", delta " + delta);

    double[] fast = checkPairs(raw, product, eps, "product projector");
    double[] exact = checkPairs(raw, exactProj, eps, "exact projector");
    assertEquals(SAMPLES * (SAMPLES - 1) / 2, (int) fast[2], "every pair checked");
    System.out.println(
        String.format(
            Locale.ROOT,
            "JL d=%d: n=%d samples, %d pairs, P=%d; bound |c'-c| <= eps(1+|c|)/(1-eps) with"
                + " eps=%.6f from delta=2*%d*exp(-d(eps^2/2-eps^3/3)/2)=%.3e <= %.0e"
                + " (max bound %.6f at |c|=1); exact cosines in [%.4f, %.4f]; observed worst"
                + " |dcos| %.6f, mean %.6f, worst |dcos|/bound %.4f (exact projector: worst"
                + " %.6f, mean %.6f)",
            D,
            SAMPLES,
            (long) fast[2],
            p,
            eps,
            events,
            delta,
            DELTA,
            2 * eps / (1 - eps),
            fast[4],
            fast[5],
            fast[0],
            fast[1],
            fast[3],
            exact[0],
            exact[1]));
    // the projection really changed the geometry: the check is not vacuous
    assertTrue(fast[0] > 1e-6, "worst |dcos| " + fast[0] + ": did the projection happen?");
    assertTrue(exact[0] > 1e-6, "worst |dcos| " + exact[0] + ": did the projection happen?");
  }
}
