package org.ugda.standalone;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Settings of the standalone launcher. They are needed before any context exists, so they are bound
 * from the command line, system properties and the environment directly ({@code
 * --ugda.standalone.port-offset=1000}, {@code UGDA_STANDALONE_PORTOFFSET=1000}).
 *
 * @param portOffset added to the port each service is configured with; a random port ({@code
 *     server.port=0}) stays random
 * @param dataDir where the embedded PostgreSQL that every service shares keeps its data, when no
 *     {@code spring.datasource.url} is given (default {@code ugda-postgres}, beside the storage
 *     root {@code ugda-storage} and never inside it: nothing a request can name may lie in it)
 */
@ConfigurationProperties(StandaloneProperties.PREFIX)
record StandaloneProperties(
    @DefaultValue("0") int portOffset, @DefaultValue("ugda-postgres") Path dataDir) {

  static final String PREFIX = "ugda.standalone";

  static StandaloneProperties from(String... args) {
    return binder(args).bindOrCreate(PREFIX, StandaloneProperties.class);
  }

  private static Binder binder(String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    return Binder.get(environment);
  }

  /** The port a service configured with {@code configuredPort} listens on. */
  int port(int configuredPort) {
    return configuredPort == 0 ? 0 : configuredPort + portOffset;
  }
}
