package org.ugda.support.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.ugda.api.job.Jobs;
import org.ugda.support.problem.ConflictException;

/**
 * The idempotency-key rule every service applies to a {@code POST} that creates a job:
 *
 * <ol>
 *   <li>the key ({@value Jobs#IDEMPOTENCY_KEY} header) is optional; when given it is 1 to {@value
 *       #MAX_LENGTH} printable ASCII characters (a UUID is a good key), else 400;
 *   <li>a key seen before with the same request (same {@link #fingerprint}) returns what the first
 *       request created, and creates nothing;
 *   <li>a key seen before with another request is a 409: use a new key for a new request.
 * </ol>
 *
 * The store is the service's own (a unique column beside the job); this class holds only the rule.
 */
public final class IdempotencyKeys {

  /** The longest key accepted. */
  public static final int MAX_LENGTH = 200;

  private IdempotencyKeys() {}

  /** The key, checked; empty when none was sent. */
  public static Optional<String> check(String key) {
    if (key == null) {
      return Optional.empty();
    }
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          Jobs.IDEMPOTENCY_KEY
              + " must be 1 to "
              + MAX_LENGTH
              + " characters, was "
              + key.length()
              + " (a UUID is a good key)");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            Jobs.IDEMPOTENCY_KEY
                + " must be printable ASCII without spaces; character "
                + i
                + " is not (a UUID is a good key)");
      }
    }
    return Optional.of(key);
  }

  /** A fingerprint of a request in its canonical form (SHA-256, hex). */
  public static String fingerprint(String canonicalRequest) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * What a repeated key gives: {@code earlier} when the stored fingerprint matches this request's,
   * else a 409 naming the job the key was first used for.
   */
  public static <T> T replay(
      String key, String storedFingerprint, String fingerprint, T earlier, Object earlierId) {
    if (storedFingerprint.equals(fingerprint)) {
      return earlier;
    }
    throw new ConflictException(
        Jobs.IDEMPOTENCY_KEY
            + " '"
            + key
            + "' was used for another request (job "
            + earlierId
            + "); use a new key for a new request");
  }
}
