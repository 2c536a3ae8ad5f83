package org.ugda.relabel.judge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 over length-prefixed UTF-8 parts, in hex: the identity of a sample's content ({@link
 * #of(String, String)}) and of a judge cache entry. Length prefixes keep ("ab", "c") and ("a",
 * "bc") apart.
 */
public final class ContentHash {

  private ContentHash() {}

  /** The identity of a (prompt, response) sample, the same in every job. */
  public static String of(String prompt, String response) {
    return sha256(prompt, response);
  }

  /** SHA-256 of the parts, each length-prefixed. */
  public static String sha256Of(Iterable<String> parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The parts as one string, each prefixed with its UTF-8 length and a colon: the exact bytes
   * {@link #sha256Of} digests, so SHA-256 of this string's UTF-8 equals {@code sha256Of(parts)}.
   */
  public static String lengthPrefixed(Iterable<String> parts) {
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      out.append(part.getBytes(StandardCharsets.UTF_8).length).append(':').append(part);
    }
    return out.toString();
  }

  static String sha256(String... parts) {
    return sha256Of(Arrays.asList(parts));
  }
}
