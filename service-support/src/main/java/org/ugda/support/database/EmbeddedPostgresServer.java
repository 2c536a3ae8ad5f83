package org.ugda.support.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one embedded PostgreSQL 17 of a JVM, for the quick start and for tests: whoever needs it
 * takes a {@link Lease}; the first lease starts the server, the last one closed stops it.
 *
 * <p>Every service context of the standalone JVM, and every test context of a test JVM, shares the
 * server (each in its own schema). It registers no shutdown hook of its own: the holders of leases
 * close them in order (a hook of its own would stop the server alongside Spring's, while contexts
 * still write their last rows).
 */
public final class EmbeddedPostgresServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private static EmbeddedPostgres running;
  private static Path runningDirectory;
  private static int leases;

  private EmbeddedPostgresServer() {}

  /**
   * A lease on the JVM's server, started now if none runs.
   *
   * @param dataDirectory where its data persists; null for a temporary directory. A server already
   *     running with another directory is an error (one JVM, one server); null takes whichever runs
   */
  public static synchronized Lease acquire(Path dataDirectory) {
    Path wanted = dataDirectory == null ? null : dataDirectory.toAbsolutePath().normalize();
    if (running == null) {
      running = start(wanted);
      runningDirectory = wanted;
    } else if (wanted != null && !wanted.equals(runningDirectory)) {
      throw new IllegalStateException(
          "this JVM's embedded PostgreSQL already runs with data in "
              + (runningDirectory == null ? "a temporary directory" : runningDirectory)
              + "; every context of one JVM must name the same ugda.database.embedded-data-directory");
    }
    leases++;
    return new Lease(running.getJdbcUrl("postgres", "postgres"));
  }

  private static EmbeddedPostgres start(Path dataDirectory) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
      if (dataDirectory != null) {
        Files.createDirectories(dataDirectory.getParent());
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      EmbeddedPostgres postgres = builder.start();
      log.warn(
          "No spring.datasource.url configured: started an embedded PostgreSQL on port {} for a"
              + " quick start ({}). Configure a real server for anything that must last.",
          postgres.getPort(),
          dataDirectory == null ? "data is deleted when it stops" : "data in " + dataDirectory);
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "No spring.datasource.url is configured and the quick-start embedded PostgreSQL could"
              + " not start; set spring.datasource.url (SPRING_DATASOURCE_URL)",
          e);
    }
  }

  private static synchronized void release() {
    if (--leases == 0) {
      EmbeddedPostgres stopping = running;
      running = null;
      runningDirectory = null;
      try {
        stopping.close();
      } catch (IOException e) {
        log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }

  /** A claim on the running server; closing the last one stops it. */
  public static final class Lease implements AutoCloseable {
    private final String url;
    private boolean closed;

    private Lease(String url) {
      this.url = Objects.requireNonNull(url);
    }

    /** The JDBC URL of the server's {@code postgres} database (user {@code postgres}). */
    public String url() {
      return url;
    }

    public String username() {
      return "postgres";
    }

    public String password() {
      return "";
    }

    @Override
    public void close() {
      synchronized (EmbeddedPostgresServer.class) {
        if (!closed) {
          closed = true;
          release();
        }
      }
    }
  }
}
