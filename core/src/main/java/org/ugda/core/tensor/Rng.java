package org.ugda.core.tensor;

import java.util.SplittableRandom;

/**
 * Seeded random streams. Every consumer gets its own stream derived from (seed, purpose), so adding
 * a draw in one place never shifts the numbers of another (Tribuo's discipline).
 *
 * <p>Transcendental functions here and wherever a number feeds a model use {@link StrictMath}:
 * {@code Math.cos} and friends may return different last bits in the interpreter and in
 * JIT-compiled code, so the same seed would give different weights depending on when the JIT
 * happened to compile a loop (seen as run-to-run differences under CPU contention).
 */
public final class Rng {
  private Rng() {}

  /** A stream for one purpose under one seed: the same pair gives the same numbers anywhere. */
  public static SplittableRandom stream(long seed, String purpose) {
    return new SplittableRandom(mix(seed ^ mix(purpose.hashCode() * 0x9E3779B97F4A7C15L)));
  }

  /** SplitMix64's finaliser: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static float[] gaussian(SplittableRandom r, int n, double std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i += 2) {
      // Box-Muller: two normals per pair of uniforms
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      double rad = Math.sqrt(-2 * StrictMath.log(u1));
      out[i] = (float) (std * rad * StrictMath.cos(2 * Math.PI * u2));
      if (i + 1 < n) {
        out[i + 1] = (float) (std * rad * StrictMath.sin(2 * Math.PI * u2));
      }
    }
    return out;
  }

  public static float[] uniform(SplittableRandom r, int n, double bound) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((2 * r.nextDouble() - 1) * bound);
    }
    return out;
  }

  /** One standard normal draw. */
  public static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }
}
