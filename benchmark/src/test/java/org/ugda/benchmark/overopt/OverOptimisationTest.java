package org.ugda.benchmark.overopt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.api.policy.Shaping;
import org.ugda.benchmark.sft.SftRecipe;
import org.ugda.world.WorldConfig;
import org.ugda.world.WorldGenerator;

/**
 * A micro over-optimisation run end to end on the tiny world: it trains a two-member proxy
 * ensemble, runs a few PPO steps with gold shaping, then reuses the saved ensemble for a run with
 * mean shaping. On a run this small the gold curve is noise, so the test checks what must hold on
 * any run: the files' structure, finite numbers, and that PPO moved the policy away from the SFT
 * model (KL > 0 after step 0, exactly 0 at step 0 where the fresh adapter is the identity).
 */
class OverOptimisationTest {
  @TempDir static Path dir;
  static Path world;
  static Path sft;

  static final OverOptimisation.Listener QUIET =
      new OverOptimisation.Listener() {
        @Override
        public void phase(String name, int total) {}

        @Override
        public void progress(int done, int total, String detail) {}

        @Override
        public void info(String line) {
          System.out.println(line);
        }

        @Override
        public void point(OverOptimisation.Point p) {
          System.out.println(p.line());
        }
      };

  @BeforeAll
  static void buildWorld() {
    world = WorldGenerator.generate(WorldConfig.tiny(2), dir.resolve("world"), p -> {});
    sft = dir.resolve("sft");
    SftRecipe.run(
        world,
        sft,
        SftRecipe.Config.tiny(2),
        new SftRecipe.Listener() {
          @Override
          public void phase(String name, int steps) {}

          @Override
          public void step(int step, int total, double loss) {}
        });
  }

  private static OverOptConfig micro(Shaping s) {
    return new OverOptConfig(3, 3, 8, 4, 2, s, 1, 16, 2e-3, 0.02, 16, 1, 2e-3);
  }

  @Test
  void shouldWriteTheCurvesAndMoveThePolicyWithEitherShaping() throws Exception {
    Path ensemble = dir.resolve("ensemble");
    for (Shaping s : List.of(Shaping.MEAN, Shaping.GOLD)) {
      Path out = dir.resolve("run-" + s.wire());
      OverOptimisation.Result r = OverOptimisation.run(world, sft, out, ensemble, micro(s), QUIET);
      assertTrue(Files.isRegularFile(ensemble.resolve(ProxyEnsemble.MANIFEST)));
      List<String> lines = Files.readAllLines(out.resolve("overopt.csv"));
      assertEquals("step,sqrt_kl,kl,proxy_mean,gold_mean,words,eos_share", lines.get(0));
      assertEquals(1 + 4, lines.size(), "step 0 and each of the 3 steps: " + lines);
      List<double[]> rows = new ArrayList<>();
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",");
        assertEquals(7, f.length, l);
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          v[i] = Double.parseDouble(f[i]);
          assertTrue(Double.isFinite(v[i]), l);
        }
        rows.add(v);
        assertTrue(v[4] >= 0 && v[4] <= 1, "gold is in [0, 1]: " + l);
        assertEquals(Math.sqrt(Math.max(0, v[2])), v[1], 1e-5, "sqrt_kl is sqrt(kl): " + l);
      }
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(i, (int) rows.get(i)[0], "evaluated every step");
      }
      assertEquals(0, rows.get(0)[2], 1e-4, "step 0 is the SFT model itself");
      assertTrue(rows.get(rows.size() - 1)[2] > 1e-3, "PPO moved the policy: " + lines);
      BufferedImage png = ImageIO.read(out.resolve("overopt.png").toFile());
      assertEquals(900, png.getWidth());
      assertTrue(Files.readString(out.resolve("overopt.json")).contains(s.name()));
      assertEquals(4, r.points().size());
    }
  }

  @Test
  void shouldRefuseAnUnknownShapingAndAMinibatchLargerThanTheBatch() {
    assertThrows(IllegalArgumentException.class, () -> Shaping.of("median"));
    assertThrows(
        IllegalArgumentException.class,
        () -> OverOptConfig.defaults(1).withShaping(Shaping.LCB),
        "overopt runs mean and gold only");
    assertThrows(
        IllegalArgumentException.class,
        () -> new OverOptConfig(1, 1, 8, 16, 3, Shaping.MEAN, 1, 16, 1e-3, 0.1, 16, 1, 1e-3));
  }
}
