package org.ugda.benchmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.world.WorldFiles;

class WorldCommandTest {

  @TempDir Path dir;

  @Test
  void shouldGenerateAWorldFromTheCommandLine() {
    assertEquals(
        0,
        WorldCommand.run(
            new String[] {
              "generate",
              "--out",
              dir.resolve("w").toString(),
              "--seed",
              "4",
              "--preset",
              "tiny",
              "--flip",
              "0.2"
            }));
    assertTrue(Files.isRegularFile(dir.resolve("w").resolve(WorldFiles.PAIRS_TRAIN)));
  }

  @Test
  void shouldNameWhatIsWrongWithTheArguments() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorldCommand.run(new String[] {"generate", "--seed", "4"}));
    assertTrue(e.getMessage().startsWith("--out DIR is required"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorldCommand.run(new String[] {"generate", "--out", "x", "--seed", "four"}));
    assertTrue(e.getMessage().contains("--seed must be an integer, got 'four'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorldCommand.run(new String[] {"generate", "--out", "x", "--flip", "0.7"}));
    assertTrue(e.getMessage().contains("flip must be in [0, 0.5)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorldCommand.run(new String[] {"generate", "--out", "x", "--bogus", "1"}));
    assertTrue(e.getMessage().contains("unexpected arguments [--bogus, 1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WorldCommand.run(new String[] {"fly"}));
    assertTrue(e.getMessage().contains("unknown world command 'fly'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WorldCommand.run(
                    new String[] {
                      "train-sft", "--data", dir.toString(), "--out", dir.resolve("m").toString()
                    }));
    assertTrue(e.getMessage().contains("is not a generated world"), e.getMessage());
    assertEquals(0, WorldCommand.run(new String[] {"--help"}));
  }
}
