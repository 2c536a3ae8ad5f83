package org.ugda.gateway.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.ugda.support.problem.ConflictException;

/**
 * {@code gateway.api_key} over JDBC. Tokens never reach the database: only their SHA-256 and their
 * first 8 characters. Every lookup reads the table, so a revoke or a rotation holds from the very
 * next request (there is no cache to outlive it).
 */
@Component
public class ApiKeyStore {

  /** The name of the first admin key (from {@code UGDA_ADMIN_KEY} or generated). */
  static final String ADMIN_NAME = "admin";

  private static final String COLUMNS =
      "id, name, role, prefix, created_at, rotated_at, revoked_at, rate_per_minute";

  private final JdbcClient jdbc;

  ApiKeyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates a key and returns it with its token; 409 if the name is taken. */
  public IssuedKey create(String name, Role role, Integer ratePerMinute) {
    String token = Tokens.generate();
    UUID id = UUID.randomUUID();
    try {
      jdbc.sql(
              "INSERT INTO gateway.api_key (id, name, role, hash, prefix, created_at,"
                  + " rate_per_minute) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .params(
              id,
              name,
              role.wire(),
              Tokens.hash(token),
              Tokens.prefix(token),
              Timestamp.from(now()),
              ratePerMinute)
          .update();
    } catch (DuplicateKeyException e) {
      throw new ConflictException("a key named '" + name + "' exists; pick another name");
    }
    return new IssuedKey(find(id).orElseThrow(), token);
  }

  /** The working (unrevoked) key whose token has this hash. */
  public Optional<ApiKey> findActiveByToken(String token) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM gateway.api_key WHERE hash = ? AND revoked_at IS NULL")
        .param(Tokens.hash(token))
        .query(ApiKeyStore::row)
        .optional();
  }

  public Optional<ApiKey> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM gateway.api_key WHERE id = ?")
        .param(id)
        .query(ApiKeyStore::row)
        .optional();
  }

  /** Every key, oldest first. */
  public List<ApiKey> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM gateway.api_key ORDER BY created_at, name")
        .query(ApiKeyStore::row)
        .list();
  }

  /** A new token for a working key; the old one stops working with this update. */
  public Optional<IssuedKey> rotate(UUID id) {
    String token = Tokens.generate();
    int updated =
        jdbc.sql(
                "UPDATE gateway.api_key SET hash = ?, prefix = ?, rotated_at = ? WHERE id = ? AND"
                    + " revoked_at IS NULL")
            .params(Tokens.hash(token), Tokens.prefix(token), Timestamp.from(now()), id)
            .update();
    return updated == 0
        ? Optional.empty()
        : Optional.of(new IssuedKey(find(id).orElseThrow(), token));
  }

  /** Revokes a key (again is a no-op); empty if there is none. */
  public Optional<ApiKey> revoke(UUID id) {
    jdbc.sql("UPDATE gateway.api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .params(Timestamp.from(now()), id)
        .update();
    return find(id);
  }

  /** Whether any working admin key exists. */
  boolean hasActiveAdmin() {
    return jdbc.sql(
                "SELECT count(*) FROM gateway.api_key WHERE role = 'admin' AND revoked_at IS NULL")
            .query(Long.class)
            .single()
        > 0;
  }

  /** Makes {@code token} the token of the working admin key {@value #ADMIN_NAME}. */
  void putAdmin(String token) {
    jdbc.sql(
            "INSERT INTO gateway.api_key (id, name, role, hash, prefix, created_at) VALUES (?, ?,"
                + " 'admin', ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = 'admin', hash ="
                + " excluded.hash, prefix = excluded.prefix, revoked_at = NULL")
        .params(
            UUID.randomUUID(),
            ADMIN_NAME,
            Tokens.hash(token),
            Tokens.prefix(token),
            Timestamp.from(now()))
        .update();
  }

  /**
   * Inserts the admin key {@value #ADMIN_NAME} with {@code token} unless a key of that name exists
   * (another instance may have won the race); true if this call inserted it.
   */
  boolean insertAdminIfAbsent(String token) {
    return jdbc.sql(
                "INSERT INTO gateway.api_key (id, name, role, hash, prefix, created_at) VALUES (?,"
                    + " ?, 'admin', ?, ?, ?) ON CONFLICT (name) DO NOTHING")
            .params(
                UUID.randomUUID(),
                ADMIN_NAME,
                Tokens.hash(token),
                Tokens.prefix(token),
                Timestamp.from(now()))
            .update()
        == 1;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static ApiKey row(ResultSet rs, int n) throws SQLException {
    return new ApiKey(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("role"),
        rs.getString("prefix"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("rotated_at")),
        instant(rs.getTimestamp("revoked_at")),
        (Integer) rs.getObject("rate_per_minute"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
