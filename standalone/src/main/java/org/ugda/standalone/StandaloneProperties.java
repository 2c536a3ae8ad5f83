package org.ugda.standalone;

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
 */
@ConfigurationProperties(StandaloneProperties.PREFIX)
record StandaloneProperties(@DefaultValue("0") int portOffset) {

  static final String PREFIX = "ugda.standalone";

  static StandaloneProperties from(String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    return Binder.get(environment).bindOrCreate(PREFIX, StandaloneProperties.class);
  }

  /** The port a service configured with {@code configuredPort} listens on. */
  int port(int configuredPort) {
    return configuredPort == 0 ? 0 : configuredPort + portOffset;
  }
}
