package org.ugda.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;

class GenerationTest {

  static Transformer llama;
  static Transformer gemma;
  static final List<long[]> PROMPTS =
      List.of(
          new long[] {1, 17, 200, 33, 45, 301, 12},
          new long[] {1, 99, 4},
          new long[] {1, 250, 251, 252, 9});

  @BeforeAll
  static void load() {
    llama = Transformer.load(Fixtures.arch("llama").resolve("causal-lm"), Device.cpu());
    gemma = Transformer.load(Fixtures.arch("gemma").resolve("causal-lm"), Device.cpu());
  }

  @AfterAll
  static void close() {
    llama.close();
    gemma.close();
  }

  @Test
  void shouldProduceTheSameGreedyTokensWithAndWithoutTheKvCache() {
    for (Transformer m : List.of(llama, gemma)) {
      GenerationConfig g = GenerationConfig.greedy(12, List.of());
      Generator.Result cached = Generator.generate(m, null, PROMPTS, g);
      Generator.Result full = Generator.generate(m, null, PROMPTS, g.withCache(false));
      for (int r = 0; r < PROMPTS.size(); r++) {
        assertArrayEquals(full.tokens().get(r), cached.tokens().get(r), "row " + r);
        assertEquals(12, cached.tokens().get(r).length);
      }
    }
  }

  @Test
  void shouldGiveEachRowWhatItGetsAloneWhateverThePadding() {
    GenerationConfig g = new GenerationConfig(10, 0.8, 0, 0.9, 5, List.of(), true);
    Generator.Result batched = Generator.generate(llama, null, PROMPTS, g);
    Generator.Result right = Generator.generate(llama, null, TokenBatch.rightPadded(PROMPTS, 0), g);
    Generator.Result left = Generator.generate(llama, null, TokenBatch.leftPadded(PROMPTS, 0), g);
    for (int r = 0; r < PROMPTS.size(); r++) {
      assertArrayEquals(batched.tokens().get(r), right.tokens().get(r));
      assertArrayEquals(batched.tokens().get(r), left.tokens().get(r));
    }
    // greedy: a row alone equals the row in a batch (sampling streams are per row index)
    GenerationConfig greedy = GenerationConfig.greedy(10, List.of());
    Generator.Result all = Generator.generate(llama, null, PROMPTS, greedy);
    for (int r = 0; r < PROMPTS.size(); r++) {
      Generator.Result alone = Generator.generate(llama, null, List.of(PROMPTS.get(r)), greedy);
      assertArrayEquals(alone.tokens().get(0), all.tokens().get(r), "row " + r);
    }
  }

  @Test
  void shouldRepeatWithTheSameSeedAndVaryWithAnother() {
    GenerationConfig g = new GenerationConfig(16, 1.0, 50, 0.95, 11, List.of(), true);
    Generator.Result a = Generator.generate(gemma, null, PROMPTS, g);
    Generator.Result b = Generator.generate(gemma, null, PROMPTS, g);
    Generator.Result c = Generator.generate(gemma, null, PROMPTS, g.withSeed(12));
    boolean differs = false;
    for (int r = 0; r < PROMPTS.size(); r++) {
      assertArrayEquals(a.tokens().get(r), b.tokens().get(r));
      differs |= !Arrays.equals(a.tokens().get(r), c.tokens().get(r));
    }
    assertTrue(differs, "another seed samples other tokens");
  }

  @Test
  void shouldTreatTopKOfOneAsGreedy() {
    Generator.Result greedy =
        Generator.generate(llama, null, PROMPTS, GenerationConfig.greedy(8, List.of()));
    Generator.Result k1 =
        Generator.generate(
            llama, null, PROMPTS, new GenerationConfig(8, 1.5, 1, 1.0, 3, List.of(), true));
    for (int r = 0; r < PROMPTS.size(); r++) {
      assertArrayEquals(greedy.tokens().get(r), k1.tokens().get(r));
    }
  }

  @Test
  void shouldStopARowAtEosAndKeepTheOthersGoing() {
    GenerationConfig g = GenerationConfig.greedy(12, List.of());
    Generator.Result free = Generator.generate(llama, null, PROMPTS, g);
    // make row 0's third greedy token an EOS id: the row must stop right after it
    long stop = free.tokens().get(0)[2];
    Generator.Result r =
        Generator.generate(llama, null, PROMPTS, GenerationConfig.greedy(12, List.of((int) stop)));
    long[] row0 = r.tokens().get(0);
    int firstStop = -1;
    for (int i = 0; i < free.tokens().get(0).length; i++) {
      if (free.tokens().get(0)[i] == stop) {
        firstStop = i;
        break;
      }
    }
    assertEquals(firstStop + 1, row0.length);
    assertEquals(Generator.Finish.EOS, r.finish().get(0));
    for (int row = 1; row < PROMPTS.size(); row++) {
      boolean hasStop = false;
      for (long t : free.tokens().get(row)) {
        hasStop |= t == stop;
      }
      if (!hasStop) {
        assertEquals(12, r.tokens().get(row).length);
        assertEquals(Generator.Finish.LENGTH, r.finish().get(row));
      }
    }
  }

  @Test
  void shouldRejectNonsenseSettings() {
    assertThrows(
        IllegalArgumentException.class, () -> new GenerationConfig(0, 1, 0, 1, 0, List.of(), true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GenerationConfig(5, -1, 0, 1, 0, List.of(), true));
    assertThrows(
        IllegalArgumentException.class, () -> new GenerationConfig(5, 1, 0, 0, 0, List.of(), true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GenerationConfig(5, 1, -2, 1, 0, List.of(), true));
    List<long[]> withEmpty = new ArrayList<>(PROMPTS);
    withEmpty.add(new long[0]);
    assertThrows(
        IllegalArgumentException.class,
        () -> Generator.generate(llama, null, withEmpty, GenerationConfig.greedy(2, List.of())));
    assertFalse(llama.hasAdapter("nope"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Generator.generate(llama, "nope", PROMPTS, GenerationConfig.greedy(2, List.of())));
  }
}
