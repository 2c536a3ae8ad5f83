package org.ugda.relabel.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the service talks to: a configured one, or, for the quick start only, an
 * embedded one that this object starts and stops.
 *
 * <p>Why here and not in the standalone launcher: the launcher does not start a database yet, and
 * a service with no database must still come up there. Once the launcher hands every context a
 * shared {@code spring.datasource.url}, this fallback is never taken.
 */
final class DatabaseServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private final String url;
    private final String username;
    private final String password;
    private final EmbeddedPostgres embedded;

    private DatabaseServer(String url, String username, String password, EmbeddedPostgres embedded) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    static DatabaseServer of(RelabelDatabaseProperties properties) {
        if (!properties.embedded()) {
            return new DatabaseServer(properties.url(), properties.username(), properties.password(), null);
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (properties.embeddedDataDirectory() != null) {
                builder.setDataDirectory(properties.embeddedDataDirectory()).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            log.warn("No spring.datasource.url configured: started an embedded PostgreSQL on port {} for a quick "
                    + "start ({}). Configure a real server for anything that must last.", postgres.getPort(),
                    properties.embeddedDataDirectory() == null ? "data is deleted on exit"
                            : "data in " + properties.embeddedDataDirectory());
            return new DatabaseServer(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("No spring.datasource.url is configured and the quick-start embedded "
                    + "PostgreSQL could not start; set spring.datasource.url (SPRING_DATASOURCE_URL)", e);
        }
    }

    String url() {
        return url;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
