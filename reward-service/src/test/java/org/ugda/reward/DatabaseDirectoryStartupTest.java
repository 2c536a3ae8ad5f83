package org.ugda.reward;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.testsupport.TestDatabase;

/**
 * reward-service refuses to start while the embedded PostgreSQL would keep its data where requests
 * name files: inside the storage root or a model root.
 */
class DatabaseDirectoryStartupTest {
  static final TestDatabase DB = TestDatabase.fresh();
  @TempDir Path dir;

  void refusesToStart(String dataDirectory, String... more) {
    String[] base = {
      "--server.port=0",
      "--spring.datasource.url=" + DB.url(),
      "--spring.datasource.username=" + DB.username(),
      "--spring.datasource.password=" + DB.password(),
      "--ugda.reward.storage-root=" + dir.resolve("storage"),
      "--ugda.device=cpu",
      "--ugda.database.embedded-data-directory=" + dataDirectory
    };
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    assertThatThrownBy(() -> RewardServiceApplication.application().run(args))
        .rootCause()
        .hasMessageContaining("ugda.database.embedded-data-directory")
        .hasMessageContaining("lies inside")
        .hasMessageContaining("Keep it outside");
  }

  @Test
  void shouldRefuseToStartWithTheDatabaseInsideTheStorageRoot() {
    refusesToStart(dir.resolve("storage").resolve("postgres").toString());
  }

  @Test
  void shouldRefuseToStartWithTheDatabaseInsideAModelRoot() {
    refusesToStart(
        dir.resolve("models").resolve("pg").toString(),
        "--ugda.reward.model-roots=" + dir.resolve("models"));
  }
}
