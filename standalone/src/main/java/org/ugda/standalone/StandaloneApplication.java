package org.ugda.standalone;

/**
 * Quick start: runs the four services and the gateway in one JVM, each in its own Spring
 * application context on its own port (gateway 8080, reward 8081, policy 8082, selection 8083,
 * relabel 8084).
 *
 * <p>Command-line arguments go to every context. {@code --ugda.standalone.port-offset=N} moves
 * every port by N; {@code --server.port=0} gives every context a random port (the gateway is then
 * pointed at the ports the services actually got). See {@link Standalone} for how the contexts are
 * kept apart.
 */
public final class StandaloneApplication {

  private StandaloneApplication() {}

  public static void main(String[] args) {
    // the contexts' web servers keep the JVM alive; on shutdown the contexts close in reverse
    // start order and the database stops last
    Standalone.startClosingOnShutdown(args);
  }
}
