package org.ugda.core.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ugda.core.influence.AdamDirection.Variant;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;

/** Eq. 6 by hand on tiny vectors: both variants, a fresh state, eps, and the state's validation. */
class AdamDirectionTest {

  static final Adam.Hyper H = Adam.Hyper.paper(); // beta1 0.9, beta2 0.95, eps 1e-8

  static final float[] M = {0.1f, -0.2f, 0f};
  static final float[] V = {0.01f, 0.04f, 0f};
  static final float[] G = {0.5f, -1f, 0f};

  @Test
  void shouldComputeEq6WithTheBiasCorrectionOfStepTPlusOne() {
    // element 0, t = 2: m' = 0.9*0.1 + 0.1*0.5 = 0.14, v' = 0.95*0.01 + 0.05*0.25 = 0.022;
    // 1 - 0.9^3 = 0.271, 1 - 0.95^3 = 0.142625; Gamma = (0.14/0.271) / sqrt(0.022/0.142625 + 1e-8)
    float[] eq6 = new AdamDirection(M, V, 2, H, Variant.EQ6).apply(G);
    assertEquals(1.3153617813999732, eq6[0], 1e-6);
    assertEquals(-1.315361813377837, eq6[1], 1e-6);
    assertEquals(0f, eq6[2], "zero moments and a zero gradient give 0, not NaN");
    assertArrayEquals(new float[] {0.5f, -1f, 0f}, G, "the gradient is left unchanged");
  }

  @Test
  void shouldDifferFromLessExactlyByTheBiasCorrection() {
    // LESS: Gamma = m' / sqrt(v' + eps) = 0.14 / sqrt(0.022 + 1e-8)
    float[] less = new AdamDirection(M, V, 2, H, Variant.LESS).apply(G);
    assertEquals(0.9438795929304737, less[0], 1e-6);
    assertEquals(-0.9438797538190088, less[1], 1e-6);
    // (m'/bc1) / sqrt(v'/bc2 + eps) = (sqrt(bc2)/bc1) * m' / sqrt(v' + bc2*eps): the bias
    // correction is a factor sqrt(bc2)/bc1 and eps scaled by bc2, nothing else
    double bc1 = 1 - Math.pow(0.9, 3);
    double bc2 = 1 - Math.pow(0.95, 3);
    float[] eq6 = new AdamDirection(M, V, 2, H, Variant.EQ6).apply(G);
    Adam.Hyper scaledEps = new Adam.Hyper(0.9, 0.95, 1e-8 * bc2, 0);
    float[] lessScaled = new AdamDirection(M, V, 2, scaledEps, Variant.LESS).apply(G);
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.sqrt(bc2) / bc1 * lessScaled[i], eq6[i], 1e-6, "element " + i);
    }
    // the correction fades with t: at t = 10^4 both variants agree
    float[] late = new AdamDirection(M, V, 10_000, H, Variant.EQ6).apply(G);
    assertArrayEquals(less, late, 1e-6f);
  }

  @Test
  void shouldGiveASignLikeVectorFromAFreshState() {
    // t = 0, m = v = 0: m'/(1-0.9) = g, v'/(1-0.95) = g^2, Gamma = g / sqrt(g^2 + eps)
    float[] zeros = new float[4];
    float[] g = {1e-4f, 2f, -3f, 0f};
    float[] eq6 = new AdamDirection(zeros, zeros.clone(), 0, H, Variant.EQ6).apply(g);
    assertEquals(0.7071067811865471, eq6[0], 1e-6, "|g|^2 = eps: 1/sqrt(2)");
    assertEquals(0.9999999987499995, eq6[1], 1e-7);
    assertEquals(-0.9999999994444436, eq6[2], 1e-7);
    assertEquals(0f, eq6[3]);
    // LESS at t = 0: 0.1 g / sqrt(0.05 g^2 + eps)
    float[] less = new AdamDirection(zeros, zeros.clone(), 0, H, Variant.LESS).apply(g);
    assertEquals(0.09759000729485329, less[0], 1e-7);
    assertEquals(0.4472135843196182, less[1], 1e-7);
    assertEquals(-0.44721359053091775, less[2], 1e-7);
  }

  @Test
  void shouldLetEpsDominateATinySecondMoment() {
    // g = 0, m = 1e-6, v = 0: Gamma = 0.9e-6/bc1 / sqrt(eps); eps = 1e-8 gives 0.9e-2/bc1
    float[] m = {1e-6f};
    float[] out = new AdamDirection(m, new float[1], 0, H, Variant.EQ6).apply(new float[1]);
    assertEquals(0.9e-6 / 0.1 / 1e-4, out[0], 1e-7);
    Adam.Hyper bigEps = new Adam.Hyper(0.9, 0.95, 1e-4, 0);
    out = new AdamDirection(m, new float[1], 0, bigEps, Variant.EQ6).apply(new float[1]);
    assertEquals(0.9e-6 / 0.1 / 1e-2, out[0], 1e-9);
  }

  @Test
  void shouldApplyInPlace() {
    AdamDirection d = new AdamDirection(M, V, 2, H, Variant.EQ6);
    float[] g = G.clone();
    float[] expected = d.apply(g);
    assertTrue(d.applyInPlace(g) == g);
    assertArrayEquals(expected, g);
  }

  @Test
  void shouldFlattenTheStateInParameterOrderAndIgnoreOtherNames() {
    Adam.State state =
        new Adam.State(
            2,
            Map.of(
                "b", FloatTensor.of(new float[] {3, 4}, 2),
                "a", FloatTensor.of(new float[] {1, 2}, 1, 2),
                "v_head.summary.weight", FloatTensor.of(new float[] {9}, 1)),
            Map.of(
                "b", FloatTensor.of(new float[] {0.3f, 0.4f}, 2),
                "a", FloatTensor.of(new float[] {0.1f, 0.2f}, 1, 2),
                "v_head.summary.weight", FloatTensor.of(new float[] {9}, 1)));
    AdamDirection d =
        AdamDirection.forParameters(
            List.of("a", "b"), List.of(new long[] {1, 2}, new long[] {2}), state, H, Variant.LESS);
    assertEquals(4, d.length());
    assertEquals(2, d.step());
    float[] direct =
        new AdamDirection(
                new float[] {1, 2, 3, 4}, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, H, Variant.LESS)
            .apply(new float[] {1, 1, 1, 1});
    assertArrayEquals(direct, d.apply(new float[] {1, 1, 1, 1}));
  }

  @Test
  void shouldRejectAStateThatDoesNotFitTheParameters() {
    Adam.State state =
        new Adam.State(
            1,
            Map.of("a", FloatTensor.of(new float[] {1, 2}, 2)),
            Map.of("a", FloatTensor.of(new float[] {1, 2}, 2)));
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AdamDirection.forParameters(
                    List.of("a", "b"),
                    List.of(new long[] {2}, new long[] {3}),
                    state,
                    H,
                    Variant.EQ6));
    assertTrue(
        missing.getMessage().contains("lacks moments") && missing.getMessage().contains("b"));
    var shape =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AdamDirection.forParameters(
                    List.of("a"), List.of(new long[] {1, 2}), state, H, Variant.EQ6));
    assertTrue(shape.getMessage().contains("'a' has shape [2], the parameter [1, 2]"));
    var noState =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AdamDirection.forParameters(
                    List.of("a"), List.of(new long[] {2}), null, H, Variant.EQ6));
    assertTrue(noState.getMessage().contains("Adam state"));
    var length =
        assertThrows(
            IllegalArgumentException.class,
            () -> new AdamDirection(M, V, 2, H, Variant.EQ6).apply(new float[2]));
    assertTrue(length.getMessage().contains("gradient has 2 values, the Adam state 3"));
    assertThrows(IllegalArgumentException.class, () -> new AdamDirection(M, V, -1, H, Variant.EQ6));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AdamDirection(M, new float[2], 0, H, Variant.EQ6));
  }
}
