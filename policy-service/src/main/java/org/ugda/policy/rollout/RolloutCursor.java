package org.ugda.policy.rollout;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code next} cursor of a rollout page: the last row's id, base64url-encoded behind a
 * version tag, so clients pass it back rather than build it, and a cursor the service never gave is
 * a 400 instead of a silently wrong page.
 */
final class RolloutCursor {
  private static final String TAG = "rollout-after:";
  private static final int MAX_LENGTH = 64;

  private RolloutCursor() {}

  /** The cursor of the page after the row with this id. */
  static String after(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((TAG + id).getBytes(StandardCharsets.US_ASCII));
  }

  /** The id a cursor reads on after; 0 (from the start) for null. */
  static long parse(String cursor) {
    if (cursor == null) {
      return 0;
    }
    if (cursor.length() <= MAX_LENGTH && cursor.matches("[A-Za-z0-9_-]+")) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        if (text.startsWith(TAG) && text.substring(TAG.length()).matches("(0|[1-9][0-9]{0,18})")) {
          return Long.parseLong(text.substring(TAG.length()));
        }
      } catch (IllegalArgumentException e) {
        // not base64 (or a number past long): the same answer as any other foreign cursor below
      }
    }
    throw new IllegalArgumentException(
        "after must be the next cursor of a previous page of this endpoint, got '"
            + (cursor.length() <= 40 ? cursor : cursor.substring(0, 37) + "...")
            + "'; leave it out to start at the first rollout");
  }
}
