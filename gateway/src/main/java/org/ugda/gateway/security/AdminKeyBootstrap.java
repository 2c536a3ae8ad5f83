package org.ugda.gateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * The first admin key, at start: with {@code ugda.gateway.admin-key} (env {@code UGDA_ADMIN_KEY})
 * the key named {@code admin} takes that token's hash (inserted, or updated and un-revoked);
 * without it, and with no working admin key in the database, a key is generated and its token
 * printed to standard output, once: the only time the gateway ever prints a token. Later starts
 * find the admin key and print nothing.
 */
final class AdminKeyBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

  private final ApiKeyStore keys;
  private final GatewaySecurityProperties properties;

  AdminKeyBootstrap(ApiKeyStore keys, GatewaySecurityProperties properties) {
    this.keys = keys;
    this.properties = properties;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (properties.adminKey() != null) {
      keys.putAdmin(properties.adminKey());
      log.info("admin API key '{}' set from ugda.gateway.admin-key", ApiKeyStore.ADMIN_NAME);
      return;
    }
    if (keys.hasActiveAdmin()) {
      return;
    }
    String token = Tokens.generate();
    // System.out at this moment (not a stream kept from construction), so captures see it
    java.io.PrintStream out = System.out;
    if (!keys.insertAdminIfAbsent(token)) {
      log.warn(
          "no working admin key, but a key named '{}' exists (revoked?); set UGDA_ADMIN_KEY to"
              + " restore it",
          ApiKeyStore.ADMIN_NAME);
      return;
    }
    out.println();
    out.println("==================================================================");
    out.println(" UGDA gateway: first admin API key (shown this once, store it now):");
    out.println("   " + token);
    out.println(" Send it as: Authorization: Bearer <token>. Create other keys at");
    out.println(" POST /api/keys. Set UGDA_ADMIN_KEY to choose the admin key instead.");
    out.println("==================================================================");
    out.println();
    out.flush();
    log.info(
        "generated the first admin API key '{}' (prefix {}); its token went to standard output",
        ApiKeyStore.ADMIN_NAME,
        Tokens.prefix(token));
  }
}
