package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ugda serve} starts the standalone launcher with the caller's arguments. The launcher is
 * run from a copy of the script in a temporary root whose build is already up to date, with a
 * stand-in {@code java} on the PATH that prints what it was asked to run.
 */
class ServeCommandTest {

  @Test
  void shouldStartTheStandaloneWithTheGivenArguments(@TempDir Path root) throws Exception {
    Files.copy(Path.of("..", "ugda"), root.resolve("ugda"));
    Path classpath = root.resolve("standalone/target/ugda-classpath.txt");
    Files.createDirectories(classpath.getParent());
    Files.writeString(classpath, "/libs/a.jar:/libs/b.jar");
    Path stamp = root.resolve(".ugda/standalone.built");
    Files.createDirectories(stamp.getParent());
    Files.writeString(stamp, "");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder builder =
        new ProcessBuilder(
                "bash", root.resolve("ugda").toString(), "serve", "--server.port=0", "--x=y")
            .redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).contains("ugda serve: starting every service and the gateway");
    assertThat(out).doesNotContain("building");
    assertThat(out)
        .containsPattern(
            "java .*-cp \\S*standalone/target/classes:/libs/a.jar:/libs/b.jar"
                + " org.ugda.standalone.StandaloneApplication --server.port=0 --x=y");
  }
}
