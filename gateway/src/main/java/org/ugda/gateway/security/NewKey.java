package org.ugda.gateway.security;

import java.util.regex.Pattern;

/**
 * Body of {@code POST /api/keys}.
 *
 * @param name unique, 1-100 characters of letters, digits, {@code . _ @ -}; a labeller key labels
 *     under this name
 * @param role {@code reader}, {@code labeller}, {@code operator} or {@code admin}
 * @param ratePerMinute this key's own limit (1-1,000,000), or null for {@code
 *     ugda.gateway.rate-limit.per-minute}
 */
public record NewKey(String name, String role, Integer ratePerMinute) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");

  public NewKey {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name is required: 1-100 letters, digits, '.', '_', '@' or '-'");
    }
    Role.of(role);
    if (ratePerMinute != null && (ratePerMinute < 1 || ratePerMinute > 1_000_000)) {
      throw new IllegalArgumentException(
          "ratePerMinute must be from 1 to 1000000, or left out for the default; got "
              + ratePerMinute);
    }
  }
}
