package org.ugda.gateway.security;

/**
 * The answer that creates or rotates a key: the key and its token, shown this once (only its hash
 * is stored).
 *
 * @param key the key
 * @param token the token to send as {@code Authorization: Bearer <token>}
 */
public record IssuedKey(ApiKey key, String token) {

  /** Never shows the token. */
  @Override
  public String toString() {
    return "IssuedKey[key=" + key + ", token=(hidden)]";
  }
}
