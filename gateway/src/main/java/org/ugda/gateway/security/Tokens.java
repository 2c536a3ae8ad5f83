package org.ugda.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API tokens: {@code ugda_} and 32 random bytes in base64url (48 characters in all). Only {@link
 * #hash} and {@link #prefix} of a token are ever stored; the token itself is shown once, in the
 * answer that issued it.
 */
final class Tokens {

  static final String PREFIX = "ugda_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new random token. */
  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of the token's UTF-8 bytes, as lower-case hex. */
  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The first 8 characters, to tell keys apart in a listing. */
  static String prefix(String token) {
    return token.substring(0, Math.min(8, token.length()));
  }
}
