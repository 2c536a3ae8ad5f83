package org.ugda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

  @Test
  void shouldGiveOneRealPostgresServerPerJvm() throws SQLException {
    assertThat(TestDatabase.shared()).isSameAs(TestDatabase.shared());

    try (Connection connection = TestDatabase.shared().connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW server_version_num")) {
      result.next();
      assertThat(result.getInt(1)).isGreaterThanOrEqualTo(140000);
    }
  }

  @Test
  void shouldCreateFreshDatabasesThatShareNothing() {
    TestDatabase first = TestDatabase.fresh();
    TestDatabase second = TestDatabase.fresh();
    first.execute("CREATE TABLE marker (id int)");

    assertThat(first.url()).isNotEqualTo(second.url());
    assertThat(tableCount(first)).isEqualTo(1);
    assertThat(tableCount(second)).isZero();
  }

  @Test
  void shouldReplaceOnlyTheDatabaseNameInJdbcUrl() {
    assertThat(
            TestPostgresServer.withDatabase(
                "jdbc:postgresql://localhost:5433/postgres?user=postgres", "other"))
        .isEqualTo("jdbc:postgresql://localhost:5433/other?user=postgres");
    assertThat(TestPostgresServer.withDatabase("jdbc:postgresql://db.example:5432/app", "other"))
        .isEqualTo("jdbc:postgresql://db.example:5432/other");
  }

  @Test
  void shouldRejectNonPostgresUrl() {
    assertThatThrownBy(() -> TestPostgresServer.withDatabase("jdbc:h2:mem:x", "other"))
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void shouldNotPrintThePassword() {
    assertThat(new TestDatabase("jdbc:postgresql://h/db", "u", "secret-pw").toString())
        .doesNotContain("secret-pw");
  }

  private static int tableCount(TestDatabase database) {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      result.next();
      return result.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
