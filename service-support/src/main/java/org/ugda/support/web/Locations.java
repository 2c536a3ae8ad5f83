package org.ugda.support.web;

import java.net.URI;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code Location} headers that work where the client is: a path of this service resolved against
 * the current request's context, which includes the gateway's route prefix ({@code
 * X-Forwarded-Prefix}) when the request came through the gateway.
 */
public final class Locations {
  private Locations() {}

  /** {@code path} (starting with {@code /}) of this service, as the caller reaches it. */
  public static URI of(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a service path starts with /, was " + path);
    }
    return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).build().toUri();
  }
}
