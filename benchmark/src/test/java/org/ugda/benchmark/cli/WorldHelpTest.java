package org.ugda.benchmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldHelpTest {

  @Test
  void shouldDocumentEverySubcommandAndOption() {
    for (String expected :
        new String[] {
          "world generate --out DIR",
          "--flip F",
          "--preset small|tiny",
          "world train-sft --data DIR --out DIR",
          "world eval --data DIR --model DIR [--samples N]",
          "world overopt --data DIR --model DIR --out DIR",
          "--shaping mean|gold",
          "--eval-every N"
        }) {
      assertTrue(WorldCommand.USAGE.contains(expected), expected);
    }
  }

  @Test
  void shouldPrintTheSameHelpFromTheLauncherWithoutBuilding(@TempDir Path bin) throws Exception {
    Path launcher = Path.of("..", "ugda").toAbsolutePath().normalize();
    assertTrue(Files.exists(launcher), launcher.toString());
    // a PATH with nothing but what printing help needs: no java, no find, so the launcher
    // cannot build (or run) anything to print it
    for (String tool : new String[] {"bash", "cat", "dirname"}) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    ProcessBuilder builder =
        new ProcessBuilder(bin.resolve("bash").toString(), launcher.toString(), "world", "--help")
            .redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", "/nonexistent");
    builder.environment().put("PATH", bin.toString());
    Process process = builder.start();
    assertTrue(process.waitFor(20, TimeUnit.SECONDS));
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, process.exitValue(), out);
    assertEquals(WorldCommand.USAGE, out);
  }
}
