package org.ugda.api.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapingTest {

  // members {1, 2, 3}: mean 2, population variance 2/3
  private static final double MEAN = 2.0;
  private static final double VAR = 2.0 / 3;

  @Test
  void shouldShapeEveryWayFromMeanVarianceAndTheMember() {
    assertEquals(2.0, Shaping.MEAN.apply(MEAN, VAR, 3.0, 0), 1e-12);
    assertEquals(2.0, Shaping.GOLD.apply(MEAN, VAR, 3.0, 0), 1e-12);
    assertEquals(2.0 - 0.5 * Math.sqrt(2.0 / 3), Shaping.LCB.apply(MEAN, VAR, 3.0, 0.5), 1e-12);
    assertEquals(2.0 - 0.1 * 2.0 / 3, Shaping.UWO.apply(MEAN, VAR, 3.0, 0.1), 1e-12);
    assertEquals(3.0, Shaping.SINGLE.apply(MEAN, VAR, 3.0, 0.1), 1e-12);
  }

  @Test
  void shouldDefaultLambdaAsCosteEtAlAndRefuseAnUnknownName() {
    assertEquals(1.0, Shaping.LCB.defaultLambda());
    assertEquals(0.1, Shaping.UWO.defaultLambda());
    assertEquals(0.0, Shaping.MEAN.defaultLambda());
    assertEquals(Shaping.UWO, Shaping.of("UWO"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Shaping.of("median"));
    assertTrue(e.getMessage().contains("[mean, lcb, uwo, single, gold]"), e.getMessage());
  }
}
