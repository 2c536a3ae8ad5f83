package org.ugda.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.support.database.EmbeddedPostgresServer;

class EmbeddedPostgresServerTest {

  @Test
  void shouldShareOneServerAndStopItWithTheLastLease(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("postgres");
    EmbeddedPostgresServer.Lease first = EmbeddedPostgresServer.acquire(data);
    EmbeddedPostgresServer.Lease second = EmbeddedPostgresServer.acquire(null);
    assertThat(second.url()).isEqualTo(first.url());
    assertThatThrownBy(() -> EmbeddedPostgresServer.acquire(dir.resolve("other")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ugda.database.embedded-data-directory");

    first.close();
    first.close(); // a second close of one lease releases nothing more
    assertThat(canConnect(second.url())).isTrue();
    second.close();
    assertThat(canConnect(second.url())).isFalse();

    // the data directory persists: a new server on it starts from what was stored
    assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
    try (EmbeddedPostgresServer.Lease again = EmbeddedPostgresServer.acquire(data)) {
      assertThat(canConnect(again.url())).isTrue();
    }
  }

  private static boolean canConnect(String url) {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }
}
