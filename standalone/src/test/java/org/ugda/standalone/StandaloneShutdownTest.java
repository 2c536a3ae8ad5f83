package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a standalone JVM: every service closes (finishing its last writes) before the embedded
 * PostgreSQL stops, and the JVM exits without waiting on a database that is gone.
 */
class StandaloneShutdownTest {

  @TempDir Path dir;

  @Test
  void shouldCloseEveryServiceBeforeStoppingTheDatabaseOnSigterm() throws Exception {
    Path log = dir.resolve("standalone.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StandaloneApplication.class.getName(),
                "--server.port=0",
                "--ugda.standalone.data-dir=" + dir.resolve("postgres"),
                "--ugda.reward.storage-root=" + dir.resolve("storage"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.readString(log).contains("UGDA standalone is up")) {
        assertThat(p.isAlive())
            .as("the standalone JVM died while starting:%n%s", Files.readString(log))
            .isTrue();
        assertThat(System.nanoTime())
            .as("the standalone JVM did not start in 180 s")
            .isLessThan(deadline);
        Thread.sleep(200);
      }

      p.destroy(); // SIGTERM

      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      String out = Files.readString(log);
      assertThat(out)
          .doesNotContain("Failed to validate connection")
          .doesNotContain("Connection refused");
      int lastContextClosed = out.lastIndexOf("Graceful shutdown complete");
      int databaseStopped = out.indexOf("shut down postmaster");
      assertThat(lastContextClosed).as("a context closed").isPositive();
      assertThat(databaseStopped)
          .as("the database stops after the last context closed:%n%s", out)
          .isGreaterThan(lastContextClosed);
    } finally {
      p.destroyForcibly();
    }
  }
}
